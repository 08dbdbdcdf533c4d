package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.Timings;
import org.webaccel.api.tensor.Tensor;

public class InferResponseEncoderTest {
    private final ObjectMapper json = new ObjectMapper();
    private final InferResponseEncoder encoder = new InferResponseEncoder(json.getFactory());

    private static InferenceResult result() {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("logits", Tensor.ofFloats(new long[] {1, 2}, 0.5f, -1.25f));
        outputs.put("ids", Tensor.ofLongs(new long[] {2}, 3, 4));
        return new InferenceResult("image-classifier:1", outputs, new Timings(1, 2, 3, 4, 10), "chromium-1-p1",
                "chromium", ExecutionProvider.WASM);
    }

    private static InferRequest request(String id, boolean binaryDefault, InferRequest.RequestedOutput... outputs) {
        InferParameters parameters = new InferParameters(InferParameters.DEFAULTS.options(), 0, binaryDefault);
        return new InferRequest(id, Map.of(), List.of(outputs), parameters);
    }

    @Test
    public void writesEveryOutputAsJsonWithModelIdAndWhereItRan() throws Exception {
        HttpBody body = encoder.encode(request("r-1", false), result());
        assertEquals(HttpBody.JSON, body.contentType());
        assertEquals(-1, body.jsonHeaderLength());
        JsonNode r = json.readTree(body.bytes());
        assertEquals("image-classifier", r.path("model_name").asText());
        assertEquals("1", r.path("model_version").asText());
        assertEquals("r-1", r.path("id").asText());
        assertEquals("wasm", r.path("parameters").path("execution_provider").asText());
        assertEquals("chromium-1-p1", r.path("parameters").path("worker").asText());
        assertEquals(10.0, r.path("parameters").path("total_ms").asDouble(), 0);
        assertEquals(json.readTree("[{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[0.5,-1.25]},"
                + "{\"name\":\"ids\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[3,4]}]"), r.path("outputs"));
    }

    @Test
    public void noIdInTheRequestMeansNoIdInTheResponse() throws Exception {
        assertFalse(json.readTree(encoder.encode(request(null, false), result()).bytes()).has("id"));
    }

    @Test
    public void returnsOnlyTheRequestedOutputsInTheRequestedOrder() throws Exception {
        HttpBody body = encoder.encode(request(null, false, new InferRequest.RequestedOutput("ids", null)), result());
        JsonNode outputs = json.readTree(body.bytes()).path("outputs");
        assertEquals(1, outputs.size());
        assertEquals("ids", outputs.get(0).path("name").asText());
    }

    @Test
    public void binaryOutputsFollowTheJsonHeaderAsLittleEndianBytes() throws Exception {
        HttpBody body = encoder.encode(request(null, false, new InferRequest.RequestedOutput("logits", true),
                new InferRequest.RequestedOutput("ids", false)), result());
        assertEquals(HttpBody.BINARY, body.contentType());
        JsonNode header = json.readTree(Arrays.copyOf(body.bytes(), body.jsonHeaderLength()));
        JsonNode logits = header.path("outputs").get(0);
        assertEquals(8, logits.path("parameters").path("binary_data_size").asInt());
        assertFalse(logits.has("data"));
        assertEquals(json.readTree("[3,4]"), header.path("outputs").get(1).path("data"));
        ByteBuffer tail = ByteBuffer.wrap(body.bytes(), body.jsonHeaderLength(), 8).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new float[] {0.5f, -1.25f}, new float[] {tail.getFloat(), tail.getFloat()}, 0f);
        assertEquals(body.jsonHeaderLength() + 8, body.bytes().length);
    }

    @Test
    public void binaryDataOutputSendsEveryOutputAsBinaryInModelOrder() throws Exception {
        HttpBody body = encoder.encode(request(null, true), result());
        JsonNode header = json.readTree(Arrays.copyOf(body.bytes(), body.jsonHeaderLength()));
        assertEquals(8, header.path("outputs").get(0).path("parameters").path("binary_data_size").asInt());
        assertEquals(16, header.path("outputs").get(1).path("parameters").path("binary_data_size").asInt());
        ByteBuffer ids = ByteBuffer.wrap(body.bytes(), body.jsonHeaderLength() + 8, 16).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, ids.getLong());
        assertEquals(4, ids.getLong());
    }
}
