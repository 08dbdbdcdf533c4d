package org.webaccel.models.internal.demo;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;

/** The generator is deterministic and writes only what ONNX Runtime Web runs on every provider. */
public class DemoModelWriterTest {
    /**
     * The standard operators the demo models may use: the common opset-17 ones ONNX Runtime Web runs on
     * wasm and on webgpu. An operator outside this list could make a demo model fail in one browser
     * backend only, so it should be tried in a browser before it is added here.
     */
    private static final Set<String> PORTABLE_OPS = Set.of("Add", "Cast", "Conv", "Div", "Erf", "Flatten",
            "Gather", "Gemm", "GlobalAveragePool", "Identity", "LayerNormalization", "MatMul", "Max", "MaxPool",
            "Mul", "ReduceMean", "ReduceSum", "Relu", "Reshape", "Shape", "Slice", "Softmax", "Sub", "Transpose",
            "Unsqueeze");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void twoRunsWriteIdenticalBytesAndMatchTheShippedModels() throws Exception {
        Path a = tmp.newFolder("a").toPath();
        Path b = tmp.newFolder("b").toPath();
        List<String> written = DemoModelWriter.write(a);
        assertEquals(List.of("text-encoder/1", "image-classifier/1", "audio-encoder/1",
                "text-classifier-head/1", "text-projection-head/1"), written);
        assertEquals(written, DemoModelWriter.write(b));
        assertArrayEquals(Files.readAllBytes(a.resolve(DemoModelWriter.INDEX)),
                Files.readAllBytes(b.resolve(DemoModelWriter.INDEX)));
        for (String id : written) {
            String name = id.substring(0, id.indexOf('/'));
            for (String file : List.of(DemoModelWriter.MODEL_FILE, DemoModelWriter.DESCRIPTOR_FILE)) {
                byte[] first = Files.readAllBytes(a.resolve(id).resolve(file));
                assertArrayEquals(id + "/" + file + " differs between two runs", first,
                        Files.readAllBytes(b.resolve(id).resolve(file)));
                assertArrayEquals(id + "/" + file + " differs from the one the build shipped", first,
                        ShippedDemoModels.bytes(name, file));
            }
        }
    }

    @Test
    public void modelsAreIrVersion8Opset17WithPortableOperatorsOnly() throws Exception {
        for (String name : ShippedDemoModels.NAMES) {
            ModelProto model = ModelProto.parseFrom(ShippedDemoModels.model(name));
            assertEquals(name + " ir_version", 8, model.getIrVersion());
            assertEquals(name + " opset imports", 1, model.getOpsetImportCount());
            assertEquals(name + " opset domain", "", model.getOpsetImport(0).getDomain());
            assertEquals(name + " opset version", 17, model.getOpsetImport(0).getVersion());
            Set<String> foreign = new TreeSet<>();
            for (NodeProto node : model.getGraph().getNodeList()) {
                if (!PORTABLE_OPS.contains(node.getOpType()) || !node.getDomain().isEmpty()) {
                    foreign.add(node.getDomain() + ":" + node.getOpType());
                }
            }
            assertTrue(name + " uses operators not checked on ORT Web: " + foreign, foreign.isEmpty());
        }
    }

    @Test
    public void textEncoderHasTheRequestedSize() throws Exception {
        ModelProto model = ModelProto.parseFrom(ShippedDemoModels.model("text-encoder"));
        long params = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == 1)
                .mapToLong(t -> t.getDimsList().stream().reduce(1L, (x, y) -> x * y))
                .sum();
        // embeddings 1000x128 + 128x128, 2 layers of (4 128x128 + 128x512 + 512x128), plus biases and norms
        long weights = 1000 * 128 + 128 * 128 + 2 * (4 * 128 * 128 + 2 * 128 * 512);
        assertTrue("text-encoder has " + params + " float parameters, expected a little over " + weights,
                params >= weights && params < weights + 10_000);
    }
}
