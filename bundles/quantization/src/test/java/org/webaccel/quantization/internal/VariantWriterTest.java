package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.model.Dim;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * Each encoding (MatMulNBits at 2/4/8 bits, bit planes decoded in the graph, DequantizeLinear with blocks)
 * must compute exactly what the float model computes with the dequantized weights put back: the model
 * is run both ways in ONNX Runtime Java.
 */
public class VariantWriterTest {
    private final VariantWriter writer = new VariantWriter(OnnxQuantizer.MATMUL_NBITS_WIDTHS);
    private final CpuRuntime cpu = new CpuRuntime();

    static byte[] demo(String name) throws Exception {
        try (InputStream in = VariantWriterTest.class.getClassLoader()
                .getResourceAsStream("demo-models/" + name + "/1/model.onnx")) {
            return in.readAllBytes();
        }
    }

    static List<Map<String, Tensor>> inputs(String name, int count) {
        Dim batch = Dim.symbolic("batch");
        ModelDescriptor d = switch (name) {
            case "text-encoder" -> new ModelDescriptor(name, "1", ModelType.TEXT_EMBEDDING, "",
                    List.of(new TensorSpec("input_ids", DType.INT64, List.of(batch, Dim.symbolic("s")), new long[] {0, 999}),
                            new TensorSpec("attention_mask", DType.INT64, List.of(batch, Dim.symbolic("s")), new long[] {0, 1})),
                    List.of(), Map.of("s", 16L));
            case "image-classifier" -> new ModelDescriptor(name, "1", ModelType.VISION, "",
                    List.of(TensorSpec.of("pixels", DType.FLOAT32, batch, Dim.of(3), Dim.of(32), Dim.of(32))), List.of(), null);
            default -> new ModelDescriptor(name, "1", ModelType.AUDIO, "",
                    List.of(TensorSpec.of("features", DType.FLOAT32, batch, Dim.of(40), Dim.symbolic("f"))), List.of(),
                    Map.of("f", 50L));
        };
        return SeededInputs.generate(d, count, 3);
    }

    /** The float model with each planned weight replaced by its quantize-dequantize round trip. */
    private static ModelProto roundTripped(ModelProto model, List<Layer> layers, Map<String, Integer> plan, int group,
            boolean symmetric) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            for (Layer l : layers) {
                if (!l.name().equals(t.getName()) || !plan.containsKey(l.name())) {
                    continue;
                }
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                float[] w = new float[b.remaining() / 4];
                b.asFloatBuffer().get(w);
                boolean matmul = l.kind() == Layer.Kind.MATMUL_NBITS && !t.getName().startsWith("classifier");
                float[] m = matmul ? Protos.transpose(w, l.cols(), l.rows()) : w;
                float[] d = BlockQuantizer.quantize(m, l.rows(), l.cols(), plan.get(l.name()), group, symmetric).dequantize();
                float[] back = matmul ? Protos.transpose(d, l.rows(), l.cols()) : d;
                ByteBuffer out = ByteBuffer.allocate(back.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                out.asFloatBuffer().put(back);
                g.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(out.array())));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    private void check(String name, int bits, int group, boolean symmetric) throws Exception {
        ModelProto model = ModelProto.parseFrom(demo(name));
        List<Layer> layers = LayerScanner.scan(model.getGraph()).layers();
        Map<String, Integer> plan = new HashMap<>();
        layers.forEach(l -> plan.put(l.name(), bits));
        VariantWriter.Written w = writer.write(model, layers, plan, group, symmetric);
        List<Map<String, Tensor>> in = inputs(name, 2);
        OutputComparison c = OutputComparison.of(cpu.run(roundTripped(model, layers, plan, group, symmetric).toByteArray(), in),
                cpu.run(w.model().toByteArray(), in));
        String what = name + " " + bits + " bits group " + group + (symmetric ? " sym" : " asym") + ": " + c;
        assertTrue(what, c.maxAbsError() < 2e-3 && c.minCosine() > 0.99999);
        assertTrue(what + " is not smaller", w.model().getSerializedSize() < model.getSerializedSize());
    }

    @Test
    public void textEncoderEncodingsComputeTheDequantizedWeights() throws Exception {
        for (int bits : new int[] {2, 3, 4, 8}) {
            check("text-encoder", bits, 32, true);
        }
        check("text-encoder", 3, 128, false);
        check("text-encoder", 4, 64, false);
    }

    @Test
    public void convolutionAndGemmWeightsComputeTheDequantizedWeights() throws Exception {
        for (int bits : new int[] {2, 3, 4, 8}) {
            check("image-classifier", bits, 32, false);
            check("audio-encoder", bits, 64, true);
        }
    }

    @Test
    public void operatorsAreTheOnesOnnxRuntimeWebRuns() throws Exception {
        ModelProto model = ModelProto.parseFrom(demo("text-encoder"));
        List<Layer> layers = LayerScanner.scan(model.getGraph()).layers();
        for (int bits : new int[] {2, 3, 4, 8}) {
            Map<String, Integer> plan = new HashMap<>();
            layers.forEach(l -> plan.put(l.name(), bits));
            Map<String, String> ops = writer.write(model, layers, plan, 32, true).layerOperators();
            assertEquals(bits == 3 ? "MatMulNBits(8)" : "MatMulNBits(" + bits + ")", ops.get("layer0.ffn.in.weight"));
            assertEquals(bits == 4 || bits == 8 ? "DequantizeLinear(" + bits + ")" : "DequantizeLinear(8)",
                    ops.get("embeddings.word"));
        }
        ModelProto q = writer.write(model, layers, Map.of("embeddings.word", 4), 32, true).model();
        assertEquals(21, OpsetUpgrade.defaultOpset(q));
        assertTrue(q.getIrVersion() >= 10);
    }
}
