package org.webaccel.harness;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.ProtocolClient.Body;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;
import org.webaccel.harness.ProtocolClient.Output;
import org.webaccel.testing.Await;

/**
 * The Open Inference Protocol (KServe v2) endpoint of the built distribution, started as a process and spoken
 * to over raw HTTP: health and metadata, JSON and binary inference checked against ONNX Runtime Java, every
 * error status, and 100 concurrent requests.
 */
public class InferenceProtocolTest {
    private static final double TOLERANCE = 1e-4;
    private static final List<String> DEMO_MODELS = List.of("text-encoder", "image-classifier", "audio-encoder");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous deadline for requests that must succeed on a loaded 2-core machine, in microseconds. */
    private static final long LONG_TIMEOUT_MICROS = TimeUnit.SECONDS.toMicros(300);

    private static DistributionProcess container;
    private static ProtocolClient client;
    private static NativeReference reference;

    @BeforeClass
    public static void startTheContainer() throws Exception {
        container = DistributionProcess.start(home -> {
            addABrokenModel(home);
            TypesModels.write(home);
        });
        client = new ProtocolClient(container.base());
        ImageRequests.awaitReady(container, client);
        reference = new NativeReference();
    }

    @AfterClass
    public static void stopTheContainer() throws Exception {
        if (reference != null) {
            reference.close();
        }
        if (container != null) {
            container.close();
        }
    }

    /**
     * A model the repository reads (a valid graph signature) but ONNX Runtime Web cannot create a session of:
     * its one node reads a value nothing defines, so the page fails to create its session.
     */
    private static void addABrokenModel(Path home) throws IOException {
        Path dir = Files.createDirectories(home.resolve("models/broken/1"));
        TypeProto x = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("broken")
                        .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("nowhere").addOutput("y"))
                        .addInput(ValueInfoProto.newBuilder().setName("x").setType(x))
                        .addOutput(ValueInfoProto.newBuilder().setName("y").setType(x)))
                .build();
        Files.write(dir.resolve("model.onnx"), model.toByteArray());
        Files.writeString(dir.resolve("descriptor.json"), "{\"type\": \"vision\"}");
    }

    /**
     * Every element type ONNX Runtime Web feeds and fetches, an empty tensor (ReduceSum's axes = []) and a model
     * without inputs, each a folder holding only model.onnx: over HTTP with JSON and with binary data, and through
     * Gogo against the running container, each output equal to ONNX Runtime Java's (bit for bit: the ops are
     * exact).
     */
    @Test
    public void everyTensorTypeEmptyTensorsAndModelsWithoutInputsRoundTripOverHttpAndGogo() throws Exception {
        List<Map.Entry<String, Map<String, Tensor>>> cases = List.of(
                Map.entry(TypesModels.TYPES, TypesModels.typesInputs()),
                Map.entry(TypesModels.REDUCE, TypesModels.reduceInputs()),
                Map.entry(TypesModels.REDUCE, TypesModels.reduceInputs(1)),
                Map.entry(TypesModels.CONSTANT, Map.<String, Tensor>of()));
        for (Map.Entry<String, Map<String, Tensor>> c : cases) {
            String model = c.getKey();
            Map<String, Tensor> expected = TypesModels.expected(reference, container.home(), model, c.getValue());
            for (boolean binary : new boolean[] {false, true}) {
                ObjectNode parameters = ProtocolClient.object().put("binary_data_output", binary);
                HttpResponse<byte[]> r = client.post("/v2/models/" + model + "/infer",
                        ProtocolClient.inferRequest(c.getValue(), binary, parameters, null));
                assertEquals(new String(r.body(), StandardCharsets.UTF_8), 200, r.statusCode());
                assertEquals(model + (binary ? " (binary)" : " (JSON)"), expected, ProtocolClient.tensors(r));
            }
            Path file = Files.createTempFile("inputs", ".json");
            ObjectNode inputs = JSON.createObjectNode();
            c.getValue().forEach((name, t) -> inputs.putObject(name).put("dtype", t.dtype().wireName())
                    .<ObjectNode>set("shape", JSON.valueToTree(t.shape())).set("data", JSON.valueToTree(t.values())));
            Files.writeString(file, inputs.toString());
            DistributionCopy.Run gogo = container.command("pool:infer " + model + " --input " + file + " --json");
            assertEquals(gogo.out() + gogo.err(), 0, gogo.exit());
            JsonNode outputs = JSON.readTree(gogo.out()).path("outputs");
            Map<String, Tensor> got = new LinkedHashMap<>();
            outputs.properties().forEach(o -> got.put(o.getKey(), ProtocolClient.tensor(
                    DType.of(o.getValue().path("dtype").asText()),
                    JSON.convertValue(o.getValue().path("shape"), long[].class), o.getValue().path("data"))));
            assertEquals(model + " (Gogo)", expected, got);
        }
        // ReduceSum over no axes sums everything (keeping both dimensions); over axis 1, each row.
        assertEquals(Tensor.ofFloats(new long[] {1, 1}, 21), TypesModels.expected(reference, container.home(),
                TypesModels.REDUCE, TypesModels.reduceInputs()).get("sum"));
    }

    // ---- helpers ----

    private static Path modelFile(String name) {
        return container.home().resolve("models/" + name + "/1/model.onnx");
    }

    /** The descriptor the container installed, read from its descriptor.json as the repository reads it. */
    private static ModelDescriptor descriptor(String name) throws IOException {
        JsonNode d = JSON.readTree(container.home().resolve("models/" + name + "/1/descriptor.json").toFile());
        Map<String, Long> example = new LinkedHashMap<>();
        d.path("exampleDims").properties().forEach(e -> example.put(e.getKey(), e.getValue().asLong()));
        return new ModelDescriptor(d.path("name").asText(), d.path("version").asText(),
                ModelType.of(d.path("type").asText()), "", specs(d.path("inputs")), specs(d.path("outputs")), example);
    }

    private static List<TensorSpec> specs(JsonNode list) {
        List<TensorSpec> specs = new ArrayList<>();
        for (JsonNode s : list) {
            List<Dim> shape = new ArrayList<>();
            s.path("shape").forEach(x -> shape.add(x.isNumber() ? Dim.of(x.asLong()) : Dim.symbolic(x.asText())));
            long[] range = s.has("valueRange") ? JSON.convertValue(s.path("valueRange"), long[].class) : null;
            specs.add(new TensorSpec(s.path("name").asText(), DType.of(s.path("dtype").asText()), shape, range));
        }
        return specs;
    }

    private static ObjectNode parameters() {
        return ProtocolClient.object().put("timeout", LONG_TIMEOUT_MICROS);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String error(HttpResponse<byte[]> r) throws IOException {
        return ProtocolClient.json(r).path("error").asText();
    }

    private static void assertStatus(int status, HttpResponse<byte[]> r) {
        assertEquals(r.request().method() + " " + r.uri() + ": " + text(r), status, r.statusCode());
    }

    /**
     * Checks the outputs against ONNX Runtime Java: names and order (the model's, or {@code expectedNames}),
     * element counts and values.
     */
    private static void assertMatchesReference(String model, Map<String, Tensor> inputs, HttpResponse<byte[]> r,
            List<String> expectedNames) throws Exception {
        assertStatus(200, r);
        Map<String, float[]> expected = reference.run(modelFile(model), inputs);
        Map<String, Output> got = ProtocolClient.outputs(r);
        List<String> names = expectedNames != null ? expectedNames
                : descriptor(model).outputs().stream().map(TensorSpec::name).toList();
        assertEquals(model + " outputs", names, List.copyOf(got.keySet()));
        for (Map.Entry<String, Output> o : got.entrySet()) {
            Output out = o.getValue();
            assertEquals("FP32", out.datatype());
            assertEquals(model + " " + o.getKey() + " shape", expected.get(o.getKey()).length,
                    Tensor.elementCount(out.shape()));
            double diff = NativeReference.maxAbsDiff(expected.get(o.getKey()), out.values());
            assertTrue(model + " output " + o.getKey() + " differs from the native reference by " + diff,
                    diff <= TOLERANCE);
        }
    }

    // ---- health and metadata ----

    @Test
    public void serverMetadataAndHealth() throws Exception {
        HttpResponse<byte[]> server = client.get("/v2");
        assertStatus(200, server);
        JsonNode meta = ProtocolClient.json(server);
        assertEquals("webaccel", meta.path("name").asText());
        assertFalse(meta.path("version").asText().isEmpty());
        assertTrue(meta.toString(), meta.path("extensions").toString().contains("binary_tensor_data"));
        assertEquals("{\"live\":true}", text(client.get("/v2/health/live")));
        JsonNode ready = ProtocolClient.json(client.get("/v2/health/ready"));
        assertTrue(ready.toString(), ready.path("ready").asBoolean());
        // every installed backend with its state; the ones that cannot serve here say why
        Map<String, JsonNode> backends = new java.util.TreeMap<>();
        ready.path("backends").forEach(b -> backends.put(b.path("name").asText(), b));
        assertTrue(ready.toString(), backends.keySet().containsAll(List.of("chromium", "firefox", "edge")));
        assertEquals(ready.toString(), "available", backends.get("chromium").path("state").asText());
        assertEquals(ready.toString(), "unavailable", backends.get("edge").path("state").asText());
        assertTrue(ready.toString(), backends.get("edge").path("reason").asText().contains("not found"));
    }

    @Test
    public void metadataOfEveryDemoModelShowsProtocolDatatypesAndMinusOneForDynamicDimensions() throws Exception {
        for (String name : DEMO_MODELS) {
            ModelDescriptor d = descriptor(name);
            HttpResponse<byte[]> r = client.get("/v2/models/" + name);
            assertStatus(200, r);
            JsonNode m = ProtocolClient.json(r);
            assertEquals(name, m.path("name").asText());
            assertEquals("[\"1\"]", m.path("versions").toString());
            assertEquals("onnxruntime_onnx", m.path("platform").asText());
            assertSpecs(name + " inputs", d.inputs(), m.path("inputs"));
            assertSpecs(name + " outputs", d.outputs(), m.path("outputs"));
            assertEquals("the versioned path gives the same metadata", m,
                    ProtocolClient.json(client.get("/v2/models/" + name + "/versions/1")));
            HttpResponse<byte[]> ready = client.get("/v2/models/" + name + "/versions/1/ready");
            assertStatus(200, ready);
            assertEquals(true, ProtocolClient.json(ready).path("ready").asBoolean());
        }
    }

    private static void assertSpecs(String what, List<TensorSpec> specs, JsonNode got) {
        assertEquals(what, specs.size(), got.size());
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec s = specs.get(i);
            JsonNode g = got.get(i);
            assertEquals(what, s.name(), g.path("name").asText());
            assertEquals(what, s.dtype() == DType.FLOAT32 ? "FP32" : "INT64", g.path("datatype").asText());
            long[] shape = s.shape().stream().mapToLong(dim -> dim.isSymbolic() ? -1 : dim.size()).toArray();
            assertArrayEquals(what + " " + s.name(), shape, JSON.convertValue(g.path("shape"), long[].class));
        }
    }

    // ---- inference ----

    @Test
    public void jsonInferenceOfEveryDemoModelMatchesTheNativeReference() throws Exception {
        long seed = 1;
        for (String name : DEMO_MODELS) {
            Map<String, Tensor> inputs = TestInputs.random(descriptor(name), seed++, 2);
            HttpResponse<byte[]> r = client.post("/v2/models/" + name + "/infer",
                    ProtocolClient.inferRequest(inputs, false, parameters(), "json-" + name));
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            JsonNode body = ProtocolClient.json(r);
            assertEquals("json-" + name, body.path("id").asText());
            assertEquals(name, body.path("model_name").asText());
            assertEquals("1", body.path("model_version").asText());
            assertEquals("wasm", body.path("parameters").path("execution_provider").asText());
            assertMatchesReference(name, inputs, r, null);
        }
    }

    @Test
    public void binaryInferenceOfEveryDemoModelMatchesTheNativeReference() throws Exception {
        long seed = 100;
        for (String name : DEMO_MODELS) {
            Map<String, Tensor> inputs = TestInputs.random(descriptor(name), seed++, 3);
            ObjectNode parameters = parameters().put("binary_data_output", true);
            HttpResponse<byte[]> r = client.post("/v2/models/" + name + "/versions/1/infer",
                    ProtocolClient.inferRequest(inputs, true, parameters, null));
            assertTrue("binary outputs need the header length: " + r.headers().map(),
                    r.headers().firstValue(ProtocolClient.HEADER_LENGTH).isPresent());
            for (JsonNode o : ProtocolClient.json(r).path("outputs")) {
                assertFalse("binary output " + o + " has no JSON data", o.has("data"));
            }
            assertMatchesReference(name, inputs, r, null);
        }
    }

    @Test
    public void requestedOutputsComeBackInTheRequestedOrderEachAsAsked() throws Exception {
        Map<String, Tensor> inputs = TestInputs.random(descriptor("image-classifier"), 7, 1);
        ObjectNode request = (ObjectNode) JSON.readTree(ProtocolClient.inferRequest(inputs, false, parameters(), null)
                .bytes());
        request.putArray("outputs").add(ProtocolClient.object().put("name", "probabilities")
                .set("parameters", ProtocolClient.object().put("binary_data", true)))
                .add(ProtocolClient.object().put("name", "logits"));
        HttpResponse<byte[]> r = client.post("/v2/models/image-classifier/infer", Body.json(request));
        assertMatchesReference("image-classifier", inputs, r, List.of("probabilities", "logits"));
        JsonNode outputs = ProtocolClient.json(r).path("outputs");
        assertEquals(40, outputs.get(0).path("parameters").path("binary_data_size").asInt());
        assertTrue(outputs.get(1).has("data"));

        request.putArray("outputs").add(ProtocolClient.object().put("name", "logits"));
        HttpResponse<byte[]> one = client.post("/v2/models/image-classifier/infer", Body.json(request));
        assertMatchesReference("image-classifier", inputs, one, List.of("logits"));
    }

    @Test
    public void executionProviderTimeoutAndPriorityParametersAreTakenUp() throws Exception {
        Map<String, Tensor> inputs = TestInputs.random(descriptor("image-classifier"), 11, 1);
        // priority as Triton clients send it: level 1 is served before the default
        ObjectNode parameters = parameters().put("execution_provider", "webgpu").put("priority", 1);
        HttpResponse<byte[]> r = client.post("/v2/models/image-classifier/infer",
                ProtocolClient.inferRequest(inputs, false, parameters, null));
        assertMatchesReference("image-classifier", inputs, r, null);
        assertEquals("webgpu", ProtocolClient.json(r).path("parameters").path("execution_provider").asText());
    }

    @Test
    public void aRequestRunsOnTheBackendItRequiresAndOneThatCannotServeIs503AtOnce() throws Exception {
        Map<String, Tensor> inputs = TestInputs.random(descriptor("text-encoder"), 12, 1);
        String path = "/v2/models/text-encoder/infer";
        for (String backend : List.of("firefox", "chromium")) {
            HttpResponse<byte[]> r = client.post(path, ProtocolClient.inferRequest(inputs, false,
                    parameters().put("backend", backend), null));
            assertMatchesReference("text-encoder", inputs, r, null);
            assertEquals(backend, ProtocolClient.json(r).path("parameters").path("backend").asText());
        }
        HttpResponse<byte[]> preferred = client.post(path, ProtocolClient.inferRequest(inputs, false,
                parameters().put("prefer_backend", "firefox"), null));
        assertMatchesReference("text-encoder", inputs, preferred, null);

        HttpResponse<byte[]> edge = client.post(path, ProtocolClient.inferRequest(inputs, false,
                parameters().put("backend", "edge"), null));
        assertStatus(503, edge);
        assertTrue(error(edge), error(edge).startsWith("the request requires backend edge, which cannot take it now: "
                + "edge is unavailable: "));
        assertBadRequest(path, ProtocolClient.inferRequest(inputs, false, parameters().put("backend", "opera"), null),
                "no backend named 'opera' and none of that browser family; backends and families here: [");
    }

    @Test
    public void theRepositoryExtensionListsLoadsAndUnloadsAndAFolderWithOnlyModelOnnxIsServed() throws Exception {
        JsonNode index = ProtocolClient.json(client.post("/v2/repository/index", Body.json("{}")));
        assertTrue(index.toString(), index.isArray());
        assertEquals("READY", entry(index, "image-classifier").path("state").asText());
        assertEquals("1", entry(index, "image-classifier").path("version").asText());

        // A folder holding only model.onnx (text-projection-head's), loaded while the container runs.
        Path plain = Files.createDirectories(container.home().resolve("models/plain/1"));
        Files.copy(modelFile("text-projection-head"), plain.resolve("model.onnx"));
        assertStatus(200, client.post("/v2/repository/models/plain/load", Body.json("{}")));
        JsonNode metadata = ProtocolClient.json(client.get("/v2/models/plain"));
        assertEquals("hidden_states", metadata.path("inputs").get(0).path("name").asText());
        assertEquals("[-1,-1,128]", metadata.path("inputs").get(0).path("shape").toString());
        float[] hidden = new float[2 * 128];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (float) Math.sin(i);
        }
        Map<String, Tensor> inputs = Map.of("hidden_states", Tensor.ofFloats(new long[] {1, 2, 128}, hidden));
        HttpResponse<byte[]> r = client.post("/v2/models/plain/infer", ProtocolClient.inferRequest(inputs, false,
                parameters(), null));
        assertMatchesReference("plain", inputs, r, List.of("projected"));

        assertStatus(200, client.post("/v2/repository/models/plain/unload", Body.json("{}")));
        assertStatus(404, client.post("/v2/models/plain/infer", ProtocolClient.inferRequest(inputs, false,
                parameters(), null)));
        JsonNode after = ProtocolClient.json(client.post("/v2/repository/index", Body.json("{}")));
        assertEquals("UNAVAILABLE", entry(after, "plain").path("state").asText());
        assertEquals("unloaded", entry(after, "plain").path("reason").asText());
        assertTrue("the folder stays", Files.exists(plain.resolve("model.onnx")));
        assertStatus(200, client.post("/v2/repository/models/plain/load", Body.json("{}")));
        assertMatchesReference("plain", inputs, client.post("/v2/models/plain/infer", ProtocolClient.inferRequest(
                inputs, false, parameters(), null)), List.of("projected"));

        HttpResponse<byte[]> missing = client.post("/v2/repository/models/nothing/load", Body.json("{}"));
        assertStatus(400, missing);
        assertTrue(error(missing), error(missing).startsWith("model 'nothing' cannot be loaded: the repository "));
        assertStatus(405, client.get("/v2/repository/models/plain/load"));
        // the other tests see the repository as it was
        assertStatus(200, client.post("/v2/repository/models/plain/unload", Body.json("{}")));
    }

    private static JsonNode entry(JsonNode index, String name) {
        for (JsonNode e : index) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no " + name + " in " + index);
    }

    // ---- errors ----

    @Test
    public void unknownModelsAndVersionsAre404WithTheKnownModels() throws Exception {
        String known = "known models: [audio-encoder:1, broken:1, image-classifier:1, no-inputs:1, reduce-axes:1, "
                + "tensor-types:1, text-classifier-head:1, text-encoder:1, text-projection-head:1]";
        HttpResponse<byte[]> infer = client.post("/v2/models/nope/infer", ProtocolClient.inferRequest(
                Map.of("x", Tensor.ofFloats(new long[] {1}, 1f)), false, null, null));
        assertStatus(404, infer);
        assertEquals("unknown model 'nope'; " + known, error(infer));
        HttpResponse<byte[]> version = client.get("/v2/models/image-classifier/versions/9");
        assertStatus(404, version);
        assertEquals("unknown model 'image-classifier:9'; " + known, error(version));
        assertStatus(404, client.get("/v2/models/nope/ready"));
    }

    @Test
    public void inputsTheModelRefusesAre400WithTheJavaApisMessage() throws Exception {
        String pixels = "input 'pixels' of model 'image-classifier'";
        assertInvalid("image-classifier", Map.of("pixels", Tensor.ofFloats(new long[] {1, 3, 16, 64},
                new float[3 * 16 * 64])), pixels + " expects shape [batch, 3, 32, 32]: dimension 2 must be 32; "
                + "got [1, 3, 16, 64]");
        assertInvalid("image-classifier", Map.of("pixels", Tensor.ofInts(new long[] {1, 3}, 1, 2, 3)),
                pixels + " must be float32; got int32");
        assertInvalid("text-encoder", Map.of("input_ids", Tensor.ofLongs(new long[] {1, 2}, 5, 6)),
                "model 'text-encoder' is missing input 'attention_mask' (attention_mask int64[batch, sequence])");
        Map<String, Tensor> ids = new LinkedHashMap<>();
        ids.put("input_ids", Tensor.ofLongs(new long[] {1, 2}, 5, 5000));
        ids.put("attention_mask", Tensor.ofLongs(new long[] {1, 2}, 1, 1));
        assertInvalid("text-encoder", ids, "input 'input_ids' of model 'text-encoder' has value 5000 at flat index 1, "
                + "outside the valid range [0, 999]");
    }

    private static void assertInvalid(String model, Map<String, Tensor> inputs, String message) throws Exception {
        for (boolean binary : new boolean[] {false, true}) {
            HttpResponse<byte[]> r = client.post("/v2/models/" + model + "/infer",
                    ProtocolClient.inferRequest(inputs, binary, null, null));
            assertStatus(400, r);
            assertEquals(message, error(r));
        }
    }

    @Test
    public void malformedRequestsAre400WithWhatIsWrong() throws Exception {
        String path = "/v2/models/image-classifier/infer";
        assertBadRequest(path, Body.json("{\"inputs\": [{\"name\": \"pixels\", \"shape\": [1, 3], \"datatype\": "
                + "\"BF16\", \"data\": [1, 2, 3]}]}"), "input 'pixels' has datatype BF16, which WebAccel does not "
                + "support; supported datatypes are [BOOL, UINT8, INT8, INT32, INT64, FP16, FP32, FP64, INT16, UINT16, "
                + "UINT32, UINT64, BYTES]");
        assertBadRequest(path, Body.json("{\"inputs\": [{\"name\": \"pixels\", \"shape\": [1, 3], \"datatype\": "
                + "\"FP64\", \"data\": [1, 2, 3]}]}"), "input 'pixels' of model 'image-classifier' must be float32; "
                + "got float64");
        assertBadRequest(path, Body.json("{\"inputs\": [{\"name\": \"pixels\", \"shape\": [1, 4], \"datatype\": "
                + "\"FP32\", \"data\": [1, 2, 3]}]}"), "input 'pixels' (FP32) has shape [1, 4] (4 elements) but its "
                + "data holds 3 values");
        assertBadRequest(path, Body.json("{\"inputs\": ["), "the request body is not valid JSON: ");
        Map<String, Tensor> pixels = TestInputs.random(descriptor("image-classifier"), 3, 1);
        ObjectNode request = (ObjectNode) JSON.readTree(ProtocolClient.inferRequest(pixels, false, null, null).bytes());
        request.putArray("outputs").add(ProtocolClient.object().put("name", "labels"));
        assertBadRequest(path, Body.json(request),
                "model 'image-classifier' has no output 'labels'; its outputs are [logits, probabilities]");
        request.remove("outputs");
        request.putObject("parameters").put("execution_provider", "cuda");
        assertBadRequest(path, Body.json(request), "unknown execution provider 'cuda'; expected one of "
                + "[wasm, webgpu, webnn, auto]");
        request.putObject("parameters").put("sequence_id", 3);
        assertBadRequest(path, Body.json(request), "unsupported parameter 'sequence_id'; supported parameters: ");
        Body binary = ProtocolClient.inferRequest(pixels, true, null, null);
        byte[] oneShort = java.util.Arrays.copyOf(binary.bytes(), binary.bytes().length - 4);
        assertBadRequest(path, new Body(oneShort, binary.headerLength()),
                "input 'pixels' needs 12288 bytes of binary data but only 12284 are left after the JSON header");
    }

    private static void assertBadRequest(String path, Body body, String messageStart) throws Exception {
        HttpResponse<byte[]> r = client.post(path, body);
        assertStatus(400, r);
        assertTrue(error(r), error(r).startsWith(messageStart));
    }

    @Test
    public void wrongMethodsAre405AndOtherPathsUnderV2Are404() throws Exception {
        HttpResponse<byte[]> get = client.get("/v2/models/image-classifier/infer");
        assertStatus(405, get);
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertStatus(405, client.send("DELETE", "/v2/models/image-classifier"));
        assertStatus(405, client.send("POST", "/v2/health/live"));
        HttpResponse<byte[]> other = client.get("/v2/models/image-classifier/predict");
        assertStatus(404, other);
        assertTrue(error(other), error(other).startsWith("no endpoint GET /v2/models/image-classifier/predict"));
        assertStatus(405, client.get("/v2/repository/index"));
    }

    @Test
    public void aModelThatFailsInThePageIs500AndThePoolKeepsServing() throws Exception {
        HttpResponse<byte[]> r = client.post("/v2/models/broken/infer", ProtocolClient.inferRequest(
                Map.of("x", Tensor.ofFloats(new long[] {1, 4}, 1, 2, 3, 4)), false, parameters(), null));
        assertStatus(500, r);
        assertTrue(error(r), error(r).startsWith("model broken:1 failed in worker "));
        assertTrue(error(r), error(r).contains(" while creating its session on wasm: "));
        // The pool recorded it for wasm of that backend: the next request tries the other backend's pages (Chromium
        // and Firefox serve here), and once each failed, a request is refused at once, without running.
        HttpResponse<byte[]> again = r;
        int failedInAPage = 1;
        while (error(again).startsWith("model broken:1 failed in worker ") && failedInAPage <= 2) {
            again = client.post("/v2/models/broken/infer", ProtocolClient.inferRequest(
                    Map.of("x", Tensor.ofFloats(new long[] {1, 4}, 1, 2, 3, 4)), false, parameters(), null));
            assertStatus(500, again);
            failedInAPage += error(again).startsWith("model broken:1 failed in worker ") ? 1 : 0;
        }
        assertTrue(error(again), error(again).startsWith("model broken:1 is not loadable on provider wasm: "));
        assertTrue(error(again), error(again).contains("(backend chromium)") && error(again).contains("(backend "
                + "firefox)"));
        assertEquals("one failure in a page per backend", 2, failedInAPage);

        Map<String, Tensor> inputs = TestInputs.random(descriptor("image-classifier"), 5, 1);
        assertMatchesReference("image-classifier", inputs, client.post("/v2/models/image-classifier/infer",
                ProtocolClient.inferRequest(inputs, false, parameters(), null)), null);
    }

    // ---- load ----

    @Test
    public void hundredConcurrentRequestsAreAllAnsweredCorrectly() throws Exception {
        record Sent(String model, Map<String, Tensor> inputs, CompletableFuture<HttpResponse<byte[]>> response) {
        }
        Map<String, ModelDescriptor> models = new LinkedHashMap<>();
        for (String name : DEMO_MODELS) {
            models.put(name, descriptor(name));
        }
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String model = DEMO_MODELS.get(i % DEMO_MODELS.size());
            Map<String, Tensor> inputs = TestInputs.random(models.get(model), 1000 + i, 1 + i % 2);
            boolean binary = i % 2 == 1;
            ObjectNode parameters = parameters().put("binary_data_output", binary);
            sent.add(new Sent(model, inputs, client.postAsync("/v2/models/" + model + "/infer",
                    ProtocolClient.inferRequest(inputs, binary, parameters, "c" + i))));
        }
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            HttpResponse<byte[]> r = s.response().get(600, TimeUnit.SECONDS);
            assertMatchesReference(s.model(), s.inputs(), r, null);
            assertEquals("c" + i, ProtocolClient.json(r).path("id").asText());
        }
    }

    // ---- a pool that cannot keep up ----

    /**
     * A second container without any browser backend and a queue of two: requests wait for a worker that never
     * comes, which fills the queue and expires deadlines deterministically.
     */
    @Test
    public void aFullQueueIs503WithRetryAfterAndAnExpiredDeadlineIs504() throws Exception {
        try (DistributionProcess idle = DistributionProcess.start(home -> {
            try (var bundles = Files.list(home.resolve("bundle"))) {
                for (Path b : bundles.filter(b -> b.getFileName().toString().contains("org.webaccel.backend-")).toList()) {
                    Files.delete(b);
                }
            }
            Files.writeString(home.resolve("conf/org.webaccel.pool.cfg"), "queueCapacity = 2\n");
            Files.writeString(home.resolve("conf/org.webaccel.endpoint.config"),
                    "maxRequestBytes = I\"100000\"\nretryAfterSeconds = I\"3\"\n");
        })) {
            ProtocolClient c = new ProtocolClient(idle.base());
            // the pool is there (metadata answers) but has no worker: not ready, as the protocol says, with a 4xx
            assertStatus(200, awaitModels(c, idle));
            assertStatus(400, c.get("/v2/health/ready"));
            assertStatus(400, c.get("/v2/models/image-classifier/ready"));

            Map<String, Tensor> inputs = Map.of("pixels", Tensor.ofFloats(new long[] {1, 3, 32, 32},
                    new float[3 * 32 * 32]));
            // Long enough that the two are surely still waiting when the third arrives, on any machine.
            ObjectNode timeout = ProtocolClient.object().put("timeout", TimeUnit.SECONDS.toMicros(15));
            String path = "/v2/models/image-classifier/infer";
            List<CompletableFuture<HttpResponse<byte[]>>> queued = List.of(
                    c.postAsync(path, ProtocolClient.inferRequest(inputs, false, timeout, "q1")),
                    c.postAsync(path, ProtocolClient.inferRequest(inputs, true, timeout, "q2")));
            Await.until("two requests queued", () -> metric(c, "webaccel_pool_queue_length") == 2);
            HttpResponse<byte[]> rejected = c.post(path, ProtocolClient.inferRequest(inputs, false, timeout, "q3"));
            assertStatus(503, rejected);
            for (CompletableFuture<HttpResponse<byte[]>> q : queued) {
                assertFalse("the rejection is answered while the queued requests still wait", q.isDone());
            }
            assertEquals("3", rejected.headers().firstValue("Retry-After").orElse(""));
            assertEquals("queue full: 2 requests are waiting (capacity 2); retry later", error(rejected));

            for (CompletableFuture<HttpResponse<byte[]>> q : queued) {
                HttpResponse<byte[]> r = q.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertStatus(504, r);
                assertTrue(error(r), error(r).matches("request \\d+ for image-classifier:1 waited \\d+ ms without a "
                        + "free worker that can run wasm \\(timeout 15000 ms\\); 0 workers connected, 0 starting; it "
                        + "was never run"));
            }

            HttpResponse<byte[]> tooLarge = c.post(path, Body.json("{\"inputs\": [], \"pad\": \"" + "x".repeat(100_000)
                    + "\"}"));
            assertStatus(413, tooLarge);
            assertTrue(error(tooLarge), error(tooLarge).contains("over the limit of 100000 bytes (maxRequestBytes"));
        }
    }

    /** @return the value of a gauge without labels in the container's Prometheus text */
    private static double metric(ProtocolClient c, String name) throws Exception {
        String text = new String(c.get("/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^" + name + " (\\S+)$", java.util.regex.Pattern.MULTILINE)
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in /metrics:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    private static HttpResponse<byte[]> awaitModels(ProtocolClient c, DistributionProcess p) throws Exception {
        return Await.value("the model's metadata", () -> c.get("/v2/models/image-classifier"),
                r -> r.statusCode() == 200);
    }
}
