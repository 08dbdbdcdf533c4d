package org.webaccel.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/**
 * Model folders ({@code NAME/1/model.onnx}, perhaps with a descriptor.json) that ONNX Runtime Web cannot serve,
 * each broken in its own way. Written outside the framework, where the ONNX schema's classes are on the class
 * path; a test in the framework copies them into the running repository.
 */
final class BadModels {
    /** Not a protobuf at all. */
    static final String NOT_ONNX = "bad-not-onnx";
    /** A good model cut 12 bytes short. */
    static final String TRUNCATED = "bad-truncated";
    /** Imports ai.onnx 27, one past what ONNX Runtime Web 1.30.0 supports. */
    static final String OPSET_TOO_NEW = "bad-opset-too-new";
    /** A good graph whose descriptor.json says its input is int64. */
    static final String LYING = "bad-lying-descriptor";
    /** RandomUniformLike at opset 22: an ai.onnx operator ONNX Runtime Web 1.30.0 has no kernel for. */
    static final String UNSUPPORTED_OP = "bad-unsupported-op";
    /** An operator of a domain no provider knows ({@code com.example:Foo}). */
    static final String CUSTOM_OP = "bad-custom-op";

    /** The system property that tells a test in the framework where {@link #write} put the folders. */
    static final String PROPERTY = "webaccel.badModels";

    private BadModels() {
    }

    /**
     * @param dir where to write the folders
     * @return {@code dir}
     */
    static Path write(Path dir) throws IOException {
        byte[] good = model(17, "Identity", "").toByteArray();
        folder(dir, NOT_ONNX, "this is a text file, not a model\n".getBytes(), null);
        folder(dir, TRUNCATED, Arrays.copyOf(good, good.length - 12), null);
        folder(dir, OPSET_TOO_NEW, model(27, "Identity", "").toByteArray(), null);
        folder(dir, LYING, good, "{\"inputs\": [{\"name\": \"x\", \"dtype\": \"int64\", \"shape\": [4]}]}");
        folder(dir, UNSUPPORTED_OP, model(22, "RandomUniformLike", "").toByteArray(), null);
        folder(dir, CUSTOM_OP, model(17, "Foo", "com.example").toByteArray(), null);
        return dir;
    }

    private static void folder(Path dir, String name, byte[] onnx, String descriptor) throws IOException {
        Path version = Files.createDirectories(dir.resolve(name).resolve("1"));
        Files.write(version.resolve("model.onnx"), onnx);
        if (descriptor != null) {
            Files.writeString(version.resolve("descriptor.json"), descriptor);
        }
    }

    /** {@code y = op(x)}, x and y float [4]. */
    private static ModelProto model(long opset, String op, String domain) {
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        if (!domain.isEmpty()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1));
        }
        return m.setGraph(GraphProto.newBuilder().setName(op)
                .addNode(NodeProto.newBuilder().setOpType(op).setDomain(domain).addInput("x").addOutput("y"))
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(t))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(t))).build();
    }
}
