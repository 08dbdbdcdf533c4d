package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

public class InputValidatorTest {
    private static final ModelDescriptor TEXT = new ModelDescriptor("enc", "1", ModelType.TEXT_EMBEDDING, "",
            List.of(new TensorSpec("ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("seq")),
                            new long[] {0, 99}),
                    new TensorSpec("mask", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("seq")),
                            new long[] {0, 1})),
            List.of(TensorSpec.of("out", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(8))), Map.of());
    private static final ModelDescriptor IMAGE = new ModelDescriptor("img", "1", ModelType.VISION, "",
            List.of(TensorSpec.of("pixels", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3), Dim.of(4))),
            List.of(TensorSpec.of("logits", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(2))), Map.of());

    private final InputValidator validator = new InputValidator(1024);

    private static Tensor ids(long... v) {
        return Tensor.ofLongs(new long[] {1, v.length}, v);
    }

    private void expect(ModelDescriptor m, Map<String, Tensor> inputs, String message) {
        try {
            validator.validate(m, inputs);
            fail("accepted " + inputs);
        } catch (InvalidInputException e) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    public void acceptsMatchingInputs() {
        validator.validate(TEXT, Map.of("ids", ids(1, 2, 3), "mask", ids(1, 1, 0)));
        validator.validate(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[] {2, 3, 4}, new float[24])));
    }

    /** A model of no inputs (its outputs are constants) takes none; an empty tensor is an input like any other. */
    @Test
    public void acceptsModelsWithoutInputsAndEmptyTensors() {
        ModelDescriptor constant = new ModelDescriptor("const", "1", ModelType.UNKNOWN, "", List.of(),
                List.of(TensorSpec.of("y", DType.FLOAT32, Dim.of(2))), Map.of());
        validator.validate(constant, Map.of());
        expect(constant, Map.of("x", ids(1)), "model 'const' has no input 'x'; its inputs are []");
        validator.validate(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[] {0, 3, 4})));
        expect(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[] {1, 0, 4})),
                "input 'pixels' of model 'img' expects shape [batch, 3, 4]: dimension 1 must be 3; got [1, 0, 4]");
    }

    /** Silero VAD's signature: a stateful model whose sample rate is an int64 scalar (rank 0). */
    private static final ModelDescriptor VAD = new ModelDescriptor("vad", "1", ModelType.AUDIO, "",
            List.of(TensorSpec.of("input", DType.FLOAT32, Dim.symbolic("batch"), Dim.symbolic("sequence")),
                    TensorSpec.of("sr", DType.INT64),
                    TensorSpec.of("h", DType.FLOAT32, Dim.of(2), Dim.symbolic("batch"), Dim.of(64))),
            List.of(TensorSpec.of("output", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(1))), Map.of());

    private static Map<String, Tensor> vad(Tensor sr) {
        return Map.of("input", Tensor.ofFloats(new long[] {1, 64}, new float[64]), "sr", sr,
                "h", Tensor.ofFloats(new long[] {2, 1, 64}, new float[128]));
    }

    @Test
    public void aScalarInputIsAcceptedAsARankZeroTensorOnly() {
        Tensor scalar = Tensor.ofLongs(new long[0], 16000);
        assertEquals(1, scalar.elementCount());
        assertEquals(8, scalar.byteSize());
        validator.validate(VAD, vad(scalar));
        expect(VAD, vad(Tensor.ofLongs(new long[] {1}, 16000)), "input 'sr' of model 'vad' expects shape [] (rank 0); "
                + "got [1] (rank 1)");
        expect(VAD, vad(Tensor.ofInts(new long[0], 16000)), "input 'sr' of model 'vad' must be int64; got int32");
        expect(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[0], 1f)), "input 'pixels' of model 'img' expects shape "
                + "[batch, 3, 4] (rank 3); got [] (rank 0)");
    }

    @Test
    public void namesMissingUnknownAndAbsentInputs() {
        expect(TEXT, Map.of(), "model 'enc' expects inputs [ids int64[batch, seq], mask int64[batch, seq]]; got none");
        expect(TEXT, Map.of("ids", ids(1)), "model 'enc' is missing input 'mask' (mask int64[batch, seq])");
        Map<String, Tensor> extra = new HashMap<>(Map.of("ids", ids(1), "mask", ids(1), "token_type", ids(0)));
        expect(TEXT, extra, "model 'enc' has no input 'token_type'; its inputs are "
                + "[ids int64[batch, seq], mask int64[batch, seq]]");
    }

    @Test
    public void namesDtypeRankAndDimensionMismatches() {
        expect(IMAGE, Map.of("pixels", Tensor.ofLongs(new long[] {1, 3, 4}, new long[12])),
                "input 'pixels' of model 'img' must be float32; got int64");
        expect(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[] {3}, 1, 2, 3)),
                "input 'pixels' of model 'img' expects shape [batch, 3, 4] (rank 3); got [3] (rank 1)");
        expect(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[] {1, 4, 4}, new float[16])),
                "input 'pixels' of model 'img' expects shape [batch, 3, 4]: dimension 1 must be 3; got [1, 4, 4]");
        expect(TEXT, Map.of("ids", ids(1, 2, 3), "mask", ids(1, 1)),
                "model 'enc': dimension 'seq' is 3 in input 'ids' but 2 in input 'mask'");
    }

    @Test
    public void refusesOutOfRangeIdsAndOversizedInputs() {
        expect(TEXT, Map.of("ids", ids(5, 100), "mask", ids(1, 1)),
                "input 'ids' of model 'enc' has value 100 at flat index 1, outside the valid range [0, 99]");
        expect(IMAGE, Map.of("pixels", Tensor.ofFloats(new long[] {22, 3, 4}, new float[264])),
                "inputs of model 'img' total 1056 bytes, over the limit of 1024 bytes");
    }
}
