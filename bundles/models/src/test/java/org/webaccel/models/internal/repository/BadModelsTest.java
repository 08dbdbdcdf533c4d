package org.webaccel.models.internal.repository;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/**
 * Models the repository refuses when they load, each with its own reason naming the file: not ONNX, truncated,
 * empty, an operator set newer than ONNX Runtime Web supports or none at all, a descriptor that contradicts the
 * graph. Beside them a good model is served.
 */
public class BadModelsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path folder(String name, byte[] onnx, String descriptor) throws Exception {
        Path dir = Files.createDirectories(tmp.getRoot().toPath().resolve("models").resolve(name).resolve("1"));
        Files.write(dir.resolve("model.onnx"), onnx);
        if (descriptor != null) {
            Files.writeString(dir.resolve("descriptor.json"), descriptor);
        }
        return dir.resolve("model.onnx");
    }

    private Catalog scan() {
        return new ModelFolderScanner().scan(tmp.getRoot().toPath().resolve("models"));
    }

    /** {@code y = Identity(x)}, x and y float [4], importing the given operator sets. */
    private static ModelProto identity(OperatorSetIdProto... opsets) {
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        return ModelProto.newBuilder().setIrVersion(8).addAllOpsetImport(Arrays.asList(opsets))
                .setGraph(GraphProto.newBuilder().setName("g")
                        .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
                        .addInput(ValueInfoProto.newBuilder().setName("x").setType(t))
                        .addOutput(ValueInfoProto.newBuilder().setName("y").setType(t)))
                .build();
    }

    private static OperatorSetIdProto opset(String domain, long version) {
        return OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
    }

    private String reason(Catalog c, Path model) {
        return c.skipped().stream().filter(s -> s.folder().equals(model.getParent())).findFirst()
                .orElseThrow(() -> new AssertionError(model + " was not refused; served: " + c.models())).reason();
    }

    @Test
    public void eachBadModelIsRefusedWithItsOwnReasonAndTheGoodOneIsServed() throws Exception {
        byte[] good = identity(opset("", 17)).toByteArray();
        folder("good", good, null);
        Path notOnnx = folder("not-onnx", "this is a text file, not a model\n".getBytes(), null);
        Path truncated = folder("truncated", Arrays.copyOf(good, good.length - 12), null);
        Path tooNew = folder("opset-too-new", identity(opset("", 27)).toByteArray(), null);
        Path aliasTooNew = folder("alias-too-new", identity(opset("ai.onnx", 30)).toByteArray(), null);
        Path mlTooNew = folder("ml-too-new", identity(opset("", 17), opset("ai.onnx.ml", 6)).toByteArray(), null);
        Path noOpset = folder("no-opset", identity().toByteArray(), null);
        Path lying = folder("lying", good, "{\"inputs\": [{\"name\": \"x\", \"dtype\": \"int64\", \"shape\": [4]}]}");

        Catalog c = scan();
        assertEquals(List.of("good:1"), c.models().stream().map(m -> m.descriptor().id()).toList());
        assertTrue(reason(c, notOnnx), reason(c, notOnnx).startsWith(notOnnx + ": is not an ONNX model (not a "
                + "protobuf ModelProto: "));
        assertEquals(truncated + ": is truncated: the file ends in the middle of a field (" + (good.length - 12)
                + " bytes); copy it again", reason(c, truncated));
        assertEquals(tooNew + ": imports opset 27 of domain 'ai.onnx'; ONNX Runtime Web 1.30.0 supports domain "
                + "'ai.onnx' up to opset 26: convert the model to opset 26 or lower", reason(c, tooNew));
        assertEquals(aliasTooNew + ": imports opset 30 of domain 'ai.onnx'; ONNX Runtime Web 1.30.0 supports domain "
                + "'ai.onnx' up to opset 26: convert the model to opset 26 or lower", reason(c, aliasTooNew));
        assertEquals(mlTooNew + ": imports opset 6 of domain 'ai.onnx.ml'; ONNX Runtime Web 1.30.0 supports domain "
                + "'ai.onnx.ml' up to opset 5: convert the model to opset 5 or lower", reason(c, mlTooNew));
        assertEquals(noOpset + ": imports no operator set (opset_import is empty; ONNX requires at least one, such "
                + "as ai.onnx 26); is the file cut short?", reason(c, noOpset));
        assertEquals(lying.resolveSibling("descriptor.json") + ": contradicts " + lying + ": input 'x' is int64 in "
                + "the descriptor, float32 in the graph", reason(c, lying));
    }

    @Test
    public void theNewestSupportedOpsetAndADomainOnnxRuntimeWebDoesNotKnowAreServed() throws Exception {
        folder("newest", identity(opset("", 26), opset("ai.onnx.ml", 5), opset("com.microsoft", 1)).toByteArray(), null);
        // ONNX Runtime Web accepts the import; only a node of that domain fails, when a page creates the session.
        folder("custom-domain", identity(opset("", 17), opset("com.example", 3)).toByteArray(), null);
        Catalog c = scan();
        assertEquals(List.of(), c.skipped());
        assertEquals(List.of("custom-domain:1", "newest:1"), c.models().stream().map(m -> m.descriptor().id()).toList());
    }
}
