package org.webaccel.harness.onnxfiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.StringStringEntryProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * Saves an ONNX model with its weights as external data: every initializer of the main graph of at least
 * {@value #THRESHOLD} bytes (the ONNX tools' default threshold) moves into one of two data files beside the new
 * model.onnx, taking turns, each at its offset and length, and {@code data_location} becomes EXTERNAL. The values
 * do not change, so the model computes what the original does.
 *
 * <p>Lives in a package the Felix test container delegates to the class path (see FelixOptions): it uses the ONNX
 * schema's classes and protobuf-java as the class path has them, and offers the probe only JDK types.
 */
public final class ExternalDataWriter {
    /** The smallest initializer moved out, in bytes. */
    public static final int THRESHOLD = 1024;
    /** The data files written, in the order the tensors take turns. */
    public static final List<String> DATA_FILES = List.of("weights.bin", "weights-2.bin");

    private ExternalDataWriter() {
    }

    /**
     * What was written.
     *
     * @param modelFile the new model.onnx
     * @param tensorsMoved how many initializers moved out
     * @param bytesMoved their bytes
     */
    public record Written(Path modelFile, int tensorsMoved, long bytesMoved) {
    }

    /**
     * @param source a model.onnx with its weights inside
     * @param folder an existing folder, where model.onnx and {@link #DATA_FILES} are written
     * @return the new model file and what moved
     */
    public static Written write(Path source, Path folder) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(source));
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Map<String, OutputStream> outs = new LinkedHashMap<>();
        long[] offsets = new long[DATA_FILES.size()];
        int moved = 0;
        long bytes = 0;
        try {
            for (String f : DATA_FILES) {
                outs.put(f, Files.newOutputStream(folder.resolve(f)));
            }
            List<TensorProto> initializers = new ArrayList<>(graph.getInitializerList());
            for (int i = 0; i < initializers.size(); i++) {
                TensorProto t = initializers.get(i);
                byte[] data = littleEndianBytes(t);
                if (data == null || data.length < THRESHOLD) {
                    continue;
                }
                int file = moved % DATA_FILES.size();
                String location = DATA_FILES.get(file);
                outs.get(location).write(data);
                graph.setInitializer(i, t.toBuilder().clearRawData().clearFloatData().clearInt64Data()
                        .clearInt32Data().clearDoubleData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", location))
                        .addExternalData(entry("offset", Long.toString(offsets[file])))
                        .addExternalData(entry("length", Integer.toString(data.length))).build());
                offsets[file] += data.length;
                moved++;
                bytes += data.length;
            }
        } finally {
            for (OutputStream o : outs.values()) {
                o.close();
            }
        }
        Path modelFile = folder.resolve("model.onnx");
        Files.write(modelFile, model.toBuilder().setGraph(graph).build().toByteArray());
        return new Written(modelFile, moved, bytes);
    }

    /** @return the tensor's bytes as external data holds them (raw, little-endian), or null for a kind not moved */
    private static byte[] littleEndianBytes(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return null;
        }
        if (!t.getRawData().isEmpty()) {
            return t.getRawData().toByteArray();
        }
        TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
        if (type == null) {
            return null;
        }
        ByteBuffer b;
        switch (type) {
            case FLOAT -> {
                b = ByteBuffer.allocate(4 * t.getFloatDataCount()).order(ByteOrder.LITTLE_ENDIAN);
                t.getFloatDataList().forEach(b::putFloat);
            }
            case INT64 -> {
                b = ByteBuffer.allocate(8 * t.getInt64DataCount()).order(ByteOrder.LITTLE_ENDIAN);
                t.getInt64DataList().forEach(b::putLong);
            }
            case INT32 -> {
                b = ByteBuffer.allocate(4 * t.getInt32DataCount()).order(ByteOrder.LITTLE_ENDIAN);
                t.getInt32DataList().forEach(b::putInt);
            }
            default -> {
                return null;
            }
        }
        return b.array();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
