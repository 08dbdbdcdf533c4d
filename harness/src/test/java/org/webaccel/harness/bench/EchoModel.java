package org.webaccel.harness.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The transport benchmark's model: one ONNX {@code Identity} node, {@code y = x} for a float32 vector of any
 * length, so that the bytes a page receives are the bytes it sends back. Written as ONNX protobuf by hand
 * (a dozen fields of onnx.proto), which keeps the harness free of a protobuf build for one graph.
 */
public final class EchoModel {
    /** The model's name in the repository. */
    public static final String NAME = "echo";

    private static final int FLOAT = 1;

    private EchoModel() {
    }

    /**
     * Writes {@code <repository>/echo/1/model.onnx} and its descriptor.
     *
     * @param repository the model repository folder
     * @throws IOException if the files cannot be written
     */
    public static void install(Path repository) throws IOException {
        Path dir = Files.createDirectories(repository.resolve(NAME).resolve("1"));
        Files.write(dir.resolve("model.onnx"), onnx());
        Files.writeString(dir.resolve("descriptor.json"), """
                {
                  "name": "echo",
                  "version": "1",
                  "type": "multimodal",
                  "description": "Identity: returns its input; measures transport, not compute",
                  "inputs": [ { "name": "x", "dtype": "float32", "shape": ["n"] } ],
                  "outputs": [ { "name": "y", "dtype": "float32", "shape": ["n"] } ],
                  "exampleDims": { "n": 1024 }
                }
                """);
    }

    /** @return the ONNX bytes: IR 8, opset 17 */
    public static byte[] onnx() {
        Proto node = new Proto().string(1, "x").string(2, "y").string(3, "echo").string(4, "Identity");
        Proto graph = new Proto().message(1, node).string(2, "echo").message(11, vector("x")).message(12, vector("y"));
        Proto opset = new Proto().string(1, "").varint(2, 17);
        return new Proto().varint(1, 8).string(2, "webaccel-harness").message(7, graph).message(8, opset).bytes();
    }

    private static Proto vector(String name) {
        Proto dim = new Proto().string(2, "n");
        Proto shape = new Proto().message(1, dim);
        Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
        Proto type = new Proto().message(1, tensorType);
        return new Proto().string(1, name).message(2, type);
    }

    /** The protobuf wire format, as far as this model needs it: varints and length-delimited fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.bytes());
        }

        private Proto bytes(int field, byte[] value) {
            raw(((long) field << 3) | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
