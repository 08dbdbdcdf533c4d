package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

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
}
