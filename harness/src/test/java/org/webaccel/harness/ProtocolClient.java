package org.webaccel.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensor.TensorBuilder;

/**
 * A minimal Open Inference Protocol client written from the protocol text, not from the endpoint's code: raw
 * HTTP with java.net.http, request bodies in JSON or with the binary tensor data extension, and responses read
 * back into float arrays.
 */
public final class ProtocolClient {
    /** The binary tensor data extension's header: the length of the JSON part of a body. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    /** @param base {@code http://host:port} */
    public ProtocolClient(URI base) {
        this.base = base;
    }

    /** A request body, and the header length when it carries binary data. */
    public record Body(byte[] bytes, Integer headerLength) {
        /** @return a JSON-only body */
        public static Body json(JsonNode json) {
            try {
                return new Body(JSON.writeValueAsBytes(json), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** @return a JSON-only body from text */
        public static Body json(String json) {
            return new Body(json.getBytes(StandardCharsets.UTF_8), null);
        }
    }

    /** One output of a response. */
    public record Output(String datatype, long[] shape, float[] values) {
    }

    /** @return the response to GET {@code path} */
    public HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** @return the response to {@code method} on {@code path} without a body */
    public HttpResponse<byte[]> send(String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** @return the response to POST {@code body} to {@code path} */
    public HttpResponse<byte[]> post(String path, Body body) throws IOException, InterruptedException {
        return http.send(request(path, body), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** @return the response to POST {@code body} to {@code path}, when it arrives */
    public CompletableFuture<HttpResponse<byte[]>> postAsync(String path, Body body) {
        return http.sendAsync(request(path, body), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(String path, Body body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(600))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body.headerLength() == null) {
            b.header("Content-Type", "application/json");
        } else {
            b.header("Content-Type", "application/octet-stream").header(HEADER_LENGTH, body.headerLength().toString());
        }
        return b.build();
    }

    /** @return the JSON part of a response (all of it when it carries no binary data) */
    public static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        int length = response.headers().firstValue(HEADER_LENGTH).map(Integer::parseInt)
                .orElse(response.body().length);
        return JSON.readTree(Arrays.copyOf(response.body(), length));
    }

    /** @return a fresh JSON object */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** @return the protocol datatype of a tensor's element type */
    public static String datatype(DType t) {
        return switch (t) {
            case FLOAT32 -> "FP32";
            case FLOAT16 -> "FP16";
            case INT64 -> "INT64";
            case INT32 -> "INT32";
            case INT8 -> "INT8";
            case UINT8 -> "UINT8";
            case BOOL -> "BOOL";
            case FLOAT64 -> "FP64";
            case INT16 -> "INT16";
            case UINT16 -> "UINT16";
            case UINT32 -> "UINT32";
            case UINT64 -> "UINT64";
            case STRING -> "BYTES";
        };
    }

    /**
     * @param inputs the inputs, by name
     * @param binary true to send the inputs' bytes after the JSON (the binary extension), false for JSON data
     * @param parameters the request's {@code parameters}, or null
     * @param id the request id, or null
     * @return the body
     */
    public static Body inferRequest(Map<String, Tensor> inputs, boolean binary, ObjectNode parameters, String id) {
        ObjectNode root = object();
        if (id != null) {
            root.put("id", id);
        }
        if (parameters != null) {
            root.set("parameters", parameters);
        }
        ArrayNode list = root.putArray("inputs");
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode in = list.addObject().put("name", e.getKey()).put("datatype", datatype(t.dtype()));
            ArrayNode shape = in.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            if (binary) {
                in.putObject("parameters").put("binary_data_size", t.byteSize());
                tail.writeBytes(t.toByteArray());
            } else {
                in.set("data", JSON.valueToTree(t.values()));
            }
        }
        Body json = Body.json(root);
        if (!binary) {
            return json;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(json.bytes());
        all.writeBytes(tail.toByteArray());
        return new Body(all.toByteArray(), json.bytes().length);
    }

    /**
     * Reads the outputs of a 200 response, from JSON {@code data} or from the binary data after the header.
     *
     * @param response the response
     * @return the outputs by name, in response order, values widened to float
     */
    public static Map<String, Output> outputs(HttpResponse<byte[]> response) throws IOException {
        JsonNode root = json(response);
        int offset = response.headers().firstValue(HEADER_LENGTH).map(Integer::parseInt).orElse(-1);
        Map<String, Output> outputs = new LinkedHashMap<>();
        for (JsonNode o : root.path("outputs")) {
            long[] shape = JSON.convertValue(o.path("shape"), long[].class);
            String datatype = o.path("datatype").asText();
            float[] values;
            if (o.has("data")) {
                values = JSON.convertValue(o.path("data"), float[].class);
            } else {
                int size = o.path("parameters").path("binary_data_size").asInt(-1);
                if (offset < 0 || size < 0 || !datatype.equals("FP32")) {
                    throw new AssertionError("output " + o + " has neither JSON data nor FP32 binary data");
                }
                values = new float[size / 4];
                ByteBuffer.wrap(response.body(), offset, size).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                offset += size;
            }
            outputs.put(o.path("name").asText(), new Output(datatype, shape, values));
        }
        return outputs;
    }

    /**
     * Reads the outputs of a 200 response as tensors of their own datatype, from JSON {@code data} (numbers,
     * booleans, strings) or from the binary data after the header (BYTES: a 4-byte length before each element).
     *
     * @param response the response
     * @return the outputs by name, in response order
     */
    public static Map<String, Tensor> tensors(HttpResponse<byte[]> response) throws IOException {
        JsonNode root = json(response);
        int offset = response.headers().firstValue(HEADER_LENGTH).map(Integer::parseInt).orElse(-1);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (JsonNode o : root.path("outputs")) {
            long[] shape = JSON.convertValue(o.path("shape"), long[].class);
            DType dtype = Arrays.stream(DType.values()).filter(t -> datatype(t).equals(o.path("datatype").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("unknown datatype in " + o));
            Tensor t;
            if (o.has("data")) {
                t = tensor(dtype, shape, o.path("data"));
            } else {
                int size = o.path("parameters").path("binary_data_size").asInt(-1);
                if (offset < 0 || size < 0) {
                    throw new AssertionError("output " + o + " has neither JSON data nor binary data");
                }
                t = Tensor.wrap(dtype, shape, Arrays.copyOfRange(response.body(), offset, offset + size));
                offset += size;
            }
            outputs.put(o.path("name").asText(), t);
        }
        return outputs;
    }

    /** @return a tensor of the JSON values in {@code data} (a flat array of numbers, booleans or strings) */
    public static Tensor tensor(DType dtype, long[] shape, JsonNode data) {
        TensorBuilder b = new TensorBuilder(dtype, shape);
        for (JsonNode v : data) {
            b.add(v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.textValue());
        }
        return b.build();
    }
}
