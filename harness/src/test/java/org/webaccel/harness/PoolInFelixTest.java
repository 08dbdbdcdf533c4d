package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/**
 * The distribution's bundles in Felix with a real headless Chromium: every demo model computed in the
 * browser and checked against ONNX Runtime Java.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PoolInFelixTest {
    private static final double TOLERANCE = 1e-4;

    @Inject
    private ResourcePool pool;

    @Inject
    private ModelRepository repository;

    @Inject
    private org.apache.felix.service.command.CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private void awaitWorkers(int n) throws InterruptedException {
        PoolServices.awaitWorkers(pool, n);
    }

    private InferenceResult infer(String model, Map<String, Tensor> inputs, ExecutionProvider ep) throws Exception {
        return pool.infer(model, inputs, InferenceOptions.defaults().withExecutionProvider(ep))
                .toCompletableFuture().get(180, TimeUnit.SECONDS);
    }

    private void assertMatchesReference(NativeReference ref, ModelDescriptor m, Map<String, Tensor> inputs,
            InferenceResult r) throws Exception {
        ref.assertMatches(repository.modelFile(m), inputs, r, TOLERANCE);
    }

    /**
     * Every element type ONNX Runtime Web feeds and fetches, an empty tensor and a model without inputs through the
     * Java API, from folders holding only model.onnx put into the running repository: equal to ONNX Runtime Java.
     */
    @Test
    public void everyTensorTypeEmptyTensorsAndModelsWithoutInputsRoundTripThroughTheJavaApi() throws Exception {
        awaitWorkers(1);
        Path home = Path.of(System.getProperty("webaccel.home"));
        TypesModels.write(home);
        for (String model : List.of(TypesModels.TYPES, TypesModels.REDUCE, TypesModels.CONSTANT)) {
            repository.load(model);
        }
        assertEquals(List.of(), repository.find(TypesModels.CONSTANT, "1").orElseThrow().inputs());
        try (NativeReference ref = new NativeReference()) {
            for (Map<String, Tensor> in : List.of(TypesModels.reduceInputs(), TypesModels.reduceInputs(0))) {
                assertEquals(TypesModels.expected(ref, home, TypesModels.REDUCE, in),
                        infer(TypesModels.REDUCE, in, ExecutionProvider.WASM).outputs());
            }
            assertEquals(TypesModels.expected(ref, home, TypesModels.TYPES, TypesModels.typesInputs()),
                    infer(TypesModels.TYPES, TypesModels.typesInputs(), ExecutionProvider.WASM).outputs());
            InferenceResult constant = infer(TypesModels.CONSTANT, Map.of(), ExecutionProvider.WASM);
            assertEquals(TypesModels.expected(ref, home, TypesModels.CONSTANT, Map.of()), constant.outputs());
            assertEquals(List.of("no", "inputs ✓"), List.of(constant.output("words").toStrings()));
        }
    }

    @Test
    public void everyDemoModelMatchesTheNativeReferenceOnWasm() throws Exception {
        awaitWorkers(1);
        List<ModelDescriptor> models = pool.models();
        assertTrue("demo models missing: " + models, models.size() >= 3);
        try (NativeReference ref = new NativeReference()) {
            for (ModelDescriptor m : models) {
                for (long batch : new long[] {1, 3}) {
                    Map<String, Tensor> inputs = TestInputs.random(m, 11 + batch, batch);
                    InferenceResult r = infer(m.name(), inputs, ExecutionProvider.WASM);
                    assertEquals(ExecutionProvider.WASM, r.executionProvider());
                    assertEquals("chromium", r.backend());
                    assertTrue(r.timings().computeMs() > 0 && r.timings().totalMs() >= r.timings().computeMs());
                    assertMatchesReference(ref, m, inputs, r);
                }
            }
        }
    }

    @Test
    public void aModelRunsOnWebGpuAndMatchesTheNativeReference() throws Exception {
        awaitWorkers(1);
        assertTrue("no worker has a WebGPU adapter: " + pool.workers(), pool.workers().stream()
                .anyMatch(w -> w.capabilities() != null && w.capabilities().webgpu().available()));
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        Map<String, Tensor> inputs = TestInputs.random(m, 5, 2);
        InferenceResult r = infer(m.name(), inputs, ExecutionProvider.WEBGPU);
        assertEquals(ExecutionProvider.WEBGPU, r.executionProvider());
        try (NativeReference ref = new NativeReference()) {
            assertMatchesReference(ref, m, inputs, r);
        }
    }

    private void assertRefused(String model, Map<String, Tensor> inputs, Class<?> type, String... parts)
            throws Exception {
        long rejectedBefore = pool.status().rejected();
        CompletableFuture<InferenceResult> f = pool.infer(model, inputs, InferenceOptions.defaults()).toCompletableFuture();
        assertTrue("bad input must fail at once", f.isDone());
        try {
            f.get();
            fail("accepted " + inputs.keySet() + " for " + model);
        } catch (ExecutionException e) {
            assertEquals(type, e.getCause().getClass());
            for (String part : parts) {
                assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains(part));
            }
        }
        assertEquals(rejectedBefore + 1, pool.status().rejected());
    }

    @Test
    public void badRequestsGetSpecificErrorsAndThePoolKeepsServing() throws Exception {
        awaitWorkers(1);
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        Map<String, Tensor> good = TestInputs.random(m, 1, 1);
        Tensor pixels = good.get("pixels");
        assertRefused("no-such-model", good, ModelNotFoundException.class, "unknown model 'no-such-model'",
                "image-classifier:1");
        assertRefused("image-classifier", Map.of("image", pixels), InvalidInputException.class,
                "has no input 'image'", "pixels float32[batch, 3, 32, 32]");
        assertRefused("image-classifier", Map.of(), InvalidInputException.class, "expects inputs", "got none");
        assertRefused("image-classifier", Map.of("pixels", Tensor.ofLongs(pixels.shape(), new long[3072])),
                InvalidInputException.class, "must be float32; got int64");
        assertRefused("image-classifier", Map.of("pixels", Tensor.ofFloats(new long[] {3072}, new float[3072])),
                InvalidInputException.class, "expects shape [batch, 3, 32, 32] (rank 4); got [3072] (rank 1)");
        assertRefused("image-classifier", Map.of("pixels", Tensor.ofFloats(new long[] {1, 3, 16, 64},
                new float[3072])), InvalidInputException.class, "dimension 2 must be 32; got [1, 3, 16, 64]");
        ModelDescriptor text = repository.find("text-encoder", null).orElseThrow();
        Map<String, Tensor> missing = new HashMap<>(TestInputs.random(text, 1, 1));
        missing.remove("attention_mask");
        assertRefused("text-encoder", missing, InvalidInputException.class, "missing input 'attention_mask'");

        InferenceResult r = infer("image-classifier", good, ExecutionProvider.WASM);
        assertEquals(2, r.outputs().size());
    }

    @Test
    public void fiftyConcurrentRequestsOverSeveralWorkersAllGetTheirOwnResult() throws Exception {
        awaitWorkers(2);
        List<ModelDescriptor> models = pool.models();
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        List<ModelDescriptor> targets = new ArrayList<>();
        List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ModelDescriptor m = models.get(i % models.size());
            Map<String, Tensor> in = TestInputs.random(m, 1000 + i, 1 + i % 2);
            targets.add(m);
            inputs.add(in);
            futures.add(pool.infer(m.id(), in, InferenceOptions.defaults()).toCompletableFuture());
        }
        Set<String> workers = new HashSet<>();
        try (NativeReference ref = new NativeReference()) {
            for (int i = 0; i < 50; i++) {
                InferenceResult r = futures.get(i).get(180, TimeUnit.SECONDS);
                workers.add(r.worker());
                assertMatchesReference(ref, targets.get(i), inputs.get(i), r);
            }
        }
        assertTrue("requests ran on " + workers, workers.size() >= 2);
        var s = pool.status();
        assertEquals(s.submitted(), s.succeeded() + s.failed() + s.inFlight());
    }

    /**
     * A model folder added, its model.onnx changed, and the folder removed while the container runs, under a
     * continuous load of another model: the repository's scans serve, reload and unload it, pages release the
     * old sessions (the changed model answers with its new outputs), and no request of the load is lost. Gogo
     * unloads, loads and reloads by name.
     */
    @Test
    public void aModelAddedChangedAndRemovedUnderLoadLosesNoRequest() throws Exception {
        awaitWorkers(2);
        Path home = Path.of(System.getProperty("webaccel.home"));
        Path hot = home.resolve("models/hot/1");
        ModelDescriptor image = repository.find("image-classifier", null).orElseThrow();
        java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        List<Throwable> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            int seed = c;
            Thread t = new Thread(() -> {
                for (int i = 0; loading.get(); i++) {
                    try {
                        infer(image.id(), TestInputs.random(image, seed * 1000 + i, 1), ExecutionProvider.WASM);
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        lost.add(e);
                    }
                }
            }, "load-" + c);
            t.start();
            clients.add(t);
        }
        try {
            Files.createDirectories(hot);
            Files.copy(repository.modelFile(repository.find("text-projection-head", null).orElseThrow()),
                    hot.resolve("model.onnx"));
            Await.until("the added folder served", () -> repository.find("hot", null).isPresent());
            Map<String, Tensor> hidden = TestInputs.random(repository.find("hot", null).orElseThrow(), 3, 1);
            assertEquals(List.of("projected"), List.copyOf(infer("hot:1", hidden, ExecutionProvider.WASM).outputs()
                    .keySet()));

            // changed: the classifier head in its place, with an input more and other outputs
            Files.copy(repository.modelFile(repository.find("text-classifier-head", null).orElseThrow()),
                    hot.resolve("model.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(hot.resolve("model.onnx"), java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 60_000));
            Await.until("the changed model loaded anew", () -> repository.find("hot", null).orElseThrow().inputs()
                    .size() == 2);
            ModelDescriptor changed = repository.find("hot", null).orElseThrow();
            assertEquals(List.of("logits", "probabilities"), List.copyOf(infer("hot:1", TestInputs.random(changed, 4,
                    1), ExecutionProvider.WASM).outputs().keySet()));

            assertEquals("unloaded hot:1\n", Gogo.run(processor, "pool:models unload hot"));
            assertNotFound(() -> infer("hot:1", TestInputs.random(changed, 5, 1), ExecutionProvider.WASM));
            assertTrue(Gogo.run(processor, "pool:models").contains("not served: hot:1: unloaded"));
            assertEquals("loaded hot:1\n", Gogo.run(processor, "pool:models load hot"));
            assertEquals("reloaded image-classifier:1\n", Gogo.run(processor, "pool:models reload image-classifier"));

            try (var files = Files.walk(hot.getParent())) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            Await.until("the removed folder unloaded", () -> repository.find("hot", null).isEmpty());
            assertNotFound(() -> infer("hot:1", TestInputs.random(changed, 6, 1), ExecutionProvider.WASM));
        } finally {
            loading.set(false);
            for (Thread t : clients) {
                t.join();
            }
        }
        assertEquals("no request of the load was lost: " + lost, List.of(), lost);
        assertTrue("the load ran throughout", answered.get() > 0);
    }

    private static void assertNotFound(java.util.concurrent.Callable<?> call) throws Exception {
        try {
            call.call();
            fail("served");
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ModelNotFoundException);
        }
    }
}
