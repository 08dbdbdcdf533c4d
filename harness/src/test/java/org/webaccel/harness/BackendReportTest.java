package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.BackendUnavailableException;
import org.webaccel.api.CallOutcome;
import org.webaccel.api.InferenceCall;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedInference;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.tensors.TensorGoneException;
import org.webaccel.api.tensors.TensorSharing;
import org.webaccel.testing.Await;
import org.webaccel.testing.BrowserBehaviour;

/**
 * Every backend bundle installed at once, as the distribution ships them: each tells the truth about this
 * machine. Chromium and Firefox run with their WebGPU adapters; WebNN is what this Chromium makes it (asked
 * directly, without WebAccel) and, unavailable, gives the browser's reason; Edge is unavailable with the
 * system's own reason and gets no workers; Grid without a configured URL says so. Requests that choose their
 * backend run there, through the Java API and Gogo, and one that requires the unavailable Edge fails at once
 * with its reason.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackendReportTest {

    @Inject
    private ResourcePool pool;

    @Inject
    private ModelRepository repository;

    @Inject
    private CommandProcessor processor;

    @Inject
    private TensorSharing sharing;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution();
    }

    private Map<String, BackendStatus> awaitReport() throws InterruptedException {
        return Await.value("every backend reported what it can do", () -> {
            Map<String, BackendStatus> byName = new TreeMap<>();
            pool.backends().forEach(b -> byName.put(b.description().name(), b));
            return byName;
        }, byName -> byName.keySet().containsAll(List.of("chromium", "firefox", "webnn", "edge", "grid"))
                && byName.values().stream().noneMatch(b -> "probing the browser".equals(b.description().reason()))
                && byName.get("chromium").capabilities() != null && byName.get("firefox").capabilities() != null);
    }

    @Test
    public void eachBackendReportsWhatItCanDoOnThisMachine() throws Exception {
        Map<String, BackendStatus> b = awaitReport();

        for (String name : new String[] {"chromium", "firefox"}) {
            BackendStatus s = b.get(name);
            assertTrue(name + ": " + s, s.description().available());
            assertTrue(name + " has no WebGPU adapter: " + s.capabilities(), s.capabilities().webgpu().available());
            assertTrue(s.capabilities().wasmSimd());
            assertTrue("pages are cross-origin isolated, so wasm threads are possible", s.capabilities().wasmThreads());
            assertEquals("1.30.0", s.capabilities().ortVersion());
        }
        assertEquals("chromium", b.get("chromium").description().family());
        assertEquals("firefox", b.get("firefox").description().family());

        // Whether this Chromium can create a WebNN context is its own behaviour: ask it, without WebAccel.
        String browserSays = BrowserBehaviour.webNnContext(Path.of("/usr/bin/chromium"), "cpu");
        BackendStatus webnn = b.get("webnn");
        if (browserSays.equals("created")) {
            assertTrue(webnn.description().reason(), webnn.description().available());
        } else {
            assertFalse(webnn.description().available());
            String error = browserSays.substring(0, browserSays.indexOf(':'));
            assertTrue("the backend gives the browser's own reason (" + browserSays + "): "
                    + webnn.description().reason(), webnn.description().reason().contains(error));
            assertEquals("an unavailable backend gets no workers", 0, webnn.workers());
        }

        BackendStatus edge = b.get("edge");
        assertFalse(edge.description().available());
        assertTrue(edge.description().reason(), edge.description().reason().contains("msedge"));
        assertEquals(0, edge.workers());

        BackendStatus grid = b.get("grid");
        assertFalse(grid.description().available());
        assertTrue(grid.description().reason(), grid.description().reason().contains("no grid URL configured"));
    }

    @Test
    public void requestsRunOnTheBackendTheyChooseAndOneThatCannotServeFailsAtOnce() throws Exception {
        awaitReport();
        Await.until("Chromium and Firefox workers connected", () -> pool.workers().stream()
                .filter(w -> w.state().equals("idle")).map(w -> w.backend()).distinct().count() >= 2,
                () -> pool.workers().toString());
        ModelDescriptor m = repository.find("text-encoder", null).orElseThrow();
        InferenceOptions wasm = InferenceOptions.defaults().withTimeout(Duration.ofSeconds(180));
        List<InferenceCall> calls = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String backend = i % 2 == 0 ? "firefox" : "chromium";
            calls.add(new InferenceCall(m.id(), TestInputs.random(m, 70 + i, 1),
                    wasm.withBackend(BackendChoice.require(backend))));
            expected.add(backend);
        }
        calls.add(new InferenceCall("no-such-model", TestInputs.random(m, 1, 1), wasm));
        calls.add(new InferenceCall(m.id(), TestInputs.random(m, 2, 1), wasm.withBackend(BackendChoice.require(
                "edge"))));
        List<CallOutcome> out = pool.inferAll(calls).toCompletableFuture().get(300, TimeUnit.SECONDS);
        assertEquals(calls.size(), out.size());
        try (NativeReference ref = new NativeReference()) {
            for (int i = 0; i < 8; i++) {
                CallOutcome o = out.get(i);
                assertTrue("call " + i + ": " + o.error(), o.succeeded());
                assertEquals("call " + i, expected.get(i), o.result().backend());
                ref.assertMatches(repository.modelFile(m), calls.get(i).inputs(), o.result(), 1e-4);
            }
        }
        assertTrue(out.get(8).error() instanceof ModelNotFoundException);
        InferenceException edge = out.get(9).error();
        assertTrue(String.valueOf(edge), edge instanceof BackendUnavailableException);
        assertTrue("the system's own reason: " + edge.getMessage(), edge.getMessage().startsWith(
                "the request requires backend edge, which cannot take it now: edge is unavailable: ")
                && edge.getMessage().contains("msedge"));

        String firefox = Gogo.run(processor, "pool:infer --backend firefox --random text-encoder");
        assertTrue(firefox, firefox.contains("(firefox, wasm)"));
        String preferred = Gogo.run(processor, "pool:infer --prefer-backend chromium --random text-encoder");
        assertTrue("a Chromium worker has room: " + preferred, preferred.contains("(chromium, wasm)"));
        String explain = Gogo.run(processor, "pool:explain --backend firefox text-encoder");
        assertTrue(explain, explain.contains("backend required firefox"));
        assertTrue(explain, explain.contains("no: requires backend firefox"));
        try {
            Gogo.run(processor, "pool:infer --backend edge --random text-encoder");
            throw new AssertionError("a request that requires Edge ran");
        } catch (BackendUnavailableException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("edge is unavailable"));
        }

        Path file = Files.createTempFile("calls", ".json");
        Files.writeString(file, "[{\"model\": \"text-encoder\", \"random\": true, \"backend\": \"firefox\"},"
                + "{\"model\": \"image-classifier\", \"random\": true, \"seed\": 5, \"backend\": \"chromium\"},"
                + "{\"model\": \"text-encoder\", \"random\": true, \"backend\": \"edge\"}]");
        String all = Gogo.run(processor, "pool:inferall " + file);
        Files.delete(file);
        List<String> lines = all.lines().toList();
        assertEquals(all, 5, lines.size());
        assertTrue(all, lines.get(1).startsWith("0    text-encoder:1         ok      ") && lines.get(1).contains(" firefox "));
        assertTrue(all, lines.get(2).startsWith("1    image-classifier:1     ok      ")
                && lines.get(2).contains(" chromium "));
        assertTrue(all, lines.get(3).startsWith("2    text-encoder:1         failed  ")
                && lines.get(3).contains("rejected: the request requires backend edge"));
        assertEquals("3 calls: 2 succeeded, 1 failed", lines.get(4));
    }

    @Test
    public void aSharedTensorMovesToTheBackendTheNextModelRequiresAndGogoChangesIt() throws Exception {
        awaitReport();
        ModelDescriptor encoder = repository.find("text-encoder", null).orElseThrow();
        ModelDescriptor head = repository.find("text-classifier-head", null).orElseThrow();
        InferenceOptions o = InferenceOptions.defaults().withTimeout(Duration.ofSeconds(180));
        Map<String, Tensor> in = TestInputs.random(encoder, 5, 2);
        SharedInference e = sharing.infer(encoder.id(), in, Map.of(), Set.of("last_hidden_state"),
                o.withBackend(BackendChoice.require("chromium"))).toCompletableFuture().get(200, TimeUnit.SECONDS);
        SharedTensor hidden = e.kept("last_hidden_state");
        assertEquals("chromium", backendOf(hidden.worker()));
        long movedBefore = sharing.tensorsMoved();
        long bytesBefore = sharing.bytesMoved();

        Map<String, Tensor> mask = Map.of("attention_mask", in.get("attention_mask"));
        InferenceResult onFirefox = sharing.infer(head.id(), mask, Map.of("hidden_states", hidden.id()), Set.of(),
                o.withBackend(BackendChoice.require("firefox"))).toCompletableFuture().get(200, TimeUnit.SECONDS)
                .result();
        assertEquals("firefox", onFirefox.backend());
        SharedTensor moved = sharing.find(hidden.id()).orElseThrow();
        assertEquals("the tensor lives where it was moved", onFirefox.worker(), moved.worker());
        assertEquals("cpu", moved.location());
        assertEquals(1, sharing.tensorsMoved() - movedBefore);
        assertEquals(hidden.byteSize(), sharing.bytesMoved() - bytesBefore);

        // The next request that reads it, with no choice, runs where it lives now; both match ONNX Runtime Java.
        InferenceResult again = sharing.infer(head.id(), mask, Map.of("hidden_states", hidden.id()), Set.of(), o)
                .toCompletableFuture().get(200, TimeUnit.SECONDS).result();
        assertEquals(moved.worker(), again.worker());
        try (NativeReference ref = new NativeReference()) {
            Map<String, Tensor> states = ref.runTensors(repository.modelFile(encoder), in);
            Map<String, Tensor> headIn = Map.of("hidden_states", states.get("last_hidden_state"), "attention_mask",
                    in.get("attention_mask"));
            ref.assertMatches(repository.modelFile(head), headIn, onFirefox, 1e-4);
            ref.assertMatches(repository.modelFile(head), headIn, again, 1e-4);
        }

        String listed = Gogo.run(processor, "pool:tensors");
        assertTrue(listed, listed.lines().anyMatch(l -> l.startsWith(hidden.id() + " ") && l.contains(moved.worker())));
        assertTrue(listed, listed.contains("moved between pages: " + sharing.tensorsMoved() + " tensor(s), "
                + sharing.bytesMoved() + " bytes"));
        assertTrue(Gogo.run(processor, "pool:tensors pin " + hidden.id()).contains("1 reference(s), pinned"));
        assertTrue(sharing.find(hidden.id()).orElseThrow().pinned());
        assertTrue(Gogo.run(processor, "pool:tensors release " + hidden.id()).contains("0 reference(s), pinned"));
        assertEquals("deleted " + hidden.id() + "\n", Gogo.run(processor, "pool:tensors delete " + hidden.id()));
        assertTrue(sharing.find(hidden.id()).isEmpty());
        try {
            Gogo.run(processor, "pool:tensors delete " + hidden.id());
            throw new AssertionError("a deleted tensor was deleted again");
        } catch (TensorGoneException gone) {
            assertTrue(gone.getMessage(), gone.getMessage().endsWith("which is gone: deleted"));
        }
        try {
            Gogo.run(processor, "pool:tensors frobnicate t1");
            throw new AssertionError("an unknown action was taken");
        } catch (IllegalArgumentException bad) {
            assertEquals("unknown action 'frobnicate'; use pin, unpin, release or delete", bad.getMessage());
        }
    }

    private String backendOf(String worker) {
        return pool.workers().stream().filter(w -> w.id().equals(worker)).map(w -> w.backend()).findFirst()
                .orElseThrow();
    }
}
