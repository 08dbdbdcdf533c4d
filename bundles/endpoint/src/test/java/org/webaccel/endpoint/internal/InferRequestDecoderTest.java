package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

public class InferRequestDecoderTest {
    private final InferRequestDecoder decoder = new InferRequestDecoder(
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private InferRequest json(String body) {
        return decoder.decode(utf8(body), null);
    }

    private String refused(byte[] body, Integer headerLength) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.decode(body, headerLength));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    private String refused(String body) {
        return refused(utf8(body), null);
    }

    /** A JSON header followed by raw bytes, as the binary tensor data extension lays a request out. */
    private static byte[] binaryBody(String header, byte[]... tensors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(header));
        for (byte[] t : tensors) {
            out.writeBytes(t);
        }
        return out.toByteArray();
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    public void readsAJsonRequestWithIdParametersAndRequestedOutputs() {
        InferRequest r = json("{\"id\": \"42\", \"parameters\": {\"execution_provider\": \"webgpu\"},"
                + " \"inputs\": [{\"name\": \"ids\", \"shape\": [1, 3], \"datatype\": \"INT64\", \"data\": [7, 8, 9]},"
                + " {\"name\": \"mask\", \"shape\": [1, 3], \"datatype\": \"BOOL\", \"data\": [[true, true, false]]}],"
                + " \"outputs\": [{\"name\": \"pooled\", \"parameters\": {\"binary_data\": true}}, {\"name\": \"all\"}]}");
        assertEquals("42", r.id());
        assertEquals(List.of("ids", "mask"), List.copyOf(r.inputs().keySet()));
        assertEquals(Tensor.ofLongs(new long[] {1, 3}, 7, 8, 9), r.inputs().get("ids"));
        assertArrayEquals(new long[] {1, 1, 0}, r.inputs().get("mask").toLongs());
        assertEquals(ExecutionProvider.WEBGPU, r.options().executionProvider());
        assertEquals(List.of(new InferRequest.RequestedOutput("pooled", true),
                new InferRequest.RequestedOutput("all", null)), r.outputs());
        assertTrue(r.binary("pooled"));
        assertFalse(r.binary("all"));
    }

    @Test
    public void anIdIsOptionalAndNoOutputsMeansAll() {
        InferRequest r = json("{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}");
        assertNull(r.id());
        assertTrue(r.outputs().isEmpty());
    }

    @Test
    public void readsBinaryTensorDataAfterTheJsonHeader() {
        String header = "{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\","
                + " \"parameters\": {\"binary_data_size\": 8}},"
                + " {\"name\": \"b\", \"shape\": [1], \"datatype\": \"INT32\", \"data\": [5]},"
                + " {\"name\": \"c\", \"shape\": [1, 1], \"datatype\": \"FP32\","
                + " \"parameters\": {\"binary_data_size\": 4}}],"
                + " \"parameters\": {\"binary_data_output\": true}}";
        InferRequest r = decoder.decode(binaryBody(header, floats(1.5f, -2f), floats(3f)), utf8(header).length);
        assertArrayEquals(new float[] {1.5f, -2f}, r.inputs().get("a").toFloats(), 0f);
        assertArrayEquals(new long[] {5}, r.inputs().get("b").toLongs());
        assertArrayEquals(new float[] {3f}, r.inputs().get("c").toFloats(), 0f);
        assertTrue("binary_data_output applies to every output", r.binary("anything"));
    }

    @Test
    public void refusesBinaryDataThatDisagreesWithItsDeclaration() {
        String header = "{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\","
                + " \"parameters\": {\"binary_data_size\": 8}}]}";
        int length = utf8(header).length;
        assertEquals("the request carries 12 bytes of binary data but its inputs' binary_data_size values add up to 8",
                refused(binaryBody(header, floats(1, 2, 3)), length));
        assertEquals("input 'a' needs 8 bytes of binary data but only 4 are left after the JSON header",
                refused(binaryBody(header, floats(1)), length));
        assertEquals("input 'a' declares binary_data_size but the request has no Inference-Header-Content-Length "
                + "header saying where the JSON ends", refused(utf8(header), null));
        assertEquals("Inference-Header-Content-Length is 999 but the body has " + (length + 8) + " bytes",
                refused(binaryBody(header, floats(1, 2)), 999));
        String wrongSize = header.replace("\"binary_data_size\": 8", "\"binary_data_size\": 6");
        assertEquals("input 'a' is FP32 of shape [2], which is 8 bytes, but its binary_data_size is 6",
                refused(binaryBody(wrongSize, floats(1, 2)), utf8(wrongSize).length));
    }

    /** BYTES in binary data: each element a 4-byte little-endian length and then its bytes, as Triton sends them. */
    @Test
    public void readsBytesInBinaryDataAndRefusesLengthsThatDoNotAddUp() {
        byte[] strings = Tensor.ofStrings(new long[] {2}, "hi", "ünï").toByteArray();
        String header = "{\"inputs\": [{\"name\": \"s\", \"shape\": [2], \"datatype\": \"BYTES\", "
                + "\"parameters\": {\"binary_data_size\": " + strings.length + "}}]}";
        InferRequest r = decoder.decode(binaryBody(header, strings), utf8(header).length);
        assertArrayEquals(new String[] {"hi", "ünï"}, r.inputs().get("s").toStrings());
        String three = header.replace("[2]", "[3]");
        assertEquals("input 's' (BYTES, shape [3]): its binary data of " + strings.length + " bytes does not hold one "
                + "4-byte length and that many bytes per element: a string tensor of 3 elements ends after 2 of them "
                + "(" + strings.length + " bytes)", refused(binaryBody(three, strings), utf8(three).length));
    }

    @Test
    public void refusesMalformedRequestsWithAnActionableMessage() {
        assertTrue(refused("{\"inputs\": [").startsWith("the request body is not valid JSON: "));
        assertTrue(refused("{\"inputs\": []} trailing").startsWith("the request body is not valid JSON: "));
        assertEquals("the request body must be a JSON object with 'inputs'; it is empty", refused(""));
        assertEquals("the request body must be a JSON object with 'inputs'; it is a JSON ARRAY", refused("[]"));
        assertTrue(refused("{}").startsWith("the request needs 'inputs': an array of"));
        assertEquals(Map.of(), json("{\"inputs\": []}").inputs());
        assertEquals("the inference request has an unknown member 'input'; expected [id, inputs, outputs, parameters]",
                refused("{\"input\": []}"));
        assertTrue(refused("{\"inputs\": [{\"shape\": [1]}]}").startsWith("each input needs a 'name' string"));
        assertEquals("input 'x' has no data: give 'data' or, with the binary tensor data extension, "
                + "parameters.binary_data_size",
                refused("{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\"}]}"));
        assertEquals("input 'x': shape [1,-2] must hold integers >= 0",
                refused("{\"inputs\": [{\"name\": \"x\", \"shape\": [1, -2], \"datatype\": \"FP32\", \"data\": [1]}]}"));
        assertEquals("input 'x' is given twice", refused("{\"inputs\": ["
                + "{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]},"
                + "{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}"));
        assertEquals("id must be a string, got 5", refused("{\"id\": 5, \"inputs\": "
                + "[{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}"));
        assertEquals("the parameters of output 'y' has an unknown member 'classification'; expected [binary_data]",
                refused("{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}],"
                        + " \"outputs\": [{\"name\": \"y\", \"parameters\": {\"classification\": 3}}]}"));
    }

    @Test
    public void requestedOutputsAreCheckedAgainstTheModelBeforeAnythingRuns() {
        ModelDescriptor model = new ModelDescriptor("m", "1", ModelType.VISION, "",
                List.of(TensorSpec.of("x", DType.FLOAT32, Dim.symbolic("batch"))),
                List.of(TensorSpec.of("logits", DType.FLOAT32, Dim.symbolic("batch")),
                        TensorSpec.of("probabilities", DType.FLOAT32, Dim.symbolic("batch"))), Map.of());
        InferRequest ok = json("{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}],"
                + " \"outputs\": [{\"name\": \"logits\"}]}");
        ok.checkOutputs(model);
        InferRequest wrong = json("{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", "
                + "\"data\": [1]}], \"outputs\": [{\"name\": \"probs\"}]}");
        ProtocolException e = assertThrows(ProtocolException.class, () -> wrong.checkOutputs(model));
        assertEquals("model 'm' has no output 'probs'; its outputs are [logits, probabilities]", e.getMessage());
    }
}
