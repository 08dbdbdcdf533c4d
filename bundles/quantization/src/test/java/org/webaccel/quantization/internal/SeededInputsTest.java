package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/** Seeded inputs of a model without a descriptor's sizes and ranges, and how a message names them. */
public class SeededInputsTest {

    @Test
    public void symbolsWithoutExampleSizesAreOneAndTheDescriptionNamesShapesTypesAndRanges() {
        Dim batch = Dim.symbolic("batch");
        ModelDescriptor vad = new ModelDescriptor("vad", "1", ModelType.UNKNOWN, "", List.of(
                new TensorSpec("input", DType.FLOAT32, List.of(batch, Dim.symbolic("sequence")), null),
                new TensorSpec("sr", DType.INT64, List.of(), null),
                new TensorSpec("mask", DType.INT64, List.of(batch, Dim.symbolic("tokens")), new long[] {0, 1}),
                new TensorSpec("rate", DType.INT32, List.of(Dim.of(1)), new long[] {16000, 16000})),
                List.of(), Map.of("tokens", 3L));
        Map<String, Tensor> in = SeededInputs.generate(vad, 1, 7).get(0);
        assertEquals("input [1, 1] float32 uniform in [-1, 1), sr [] int64 in 0..9, mask [1, 3] int64 a 0/1 mask, "
                + "rate [1] int32 in 16000..16000", SeededInputs.describe(vad, in));
        assertEquals(16000, in.get("rate").buffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
    }
}
