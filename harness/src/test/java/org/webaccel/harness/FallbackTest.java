package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/**
 * Recovery from an operator an execution provider cannot run: the request falls back from WebGPU to wasm,
 * and from a backend that cannot run it on wasm to another backend, with real Chromium in Felix and a scripted
 * backend (see {@link ScriptedBackend}) that reports ONNX Runtime Web's error where the test says so.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FallbackTest {
    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private ModelRepository repository;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private ServiceRegistration<BrowserBackend> register(ScriptedBackend backend) {
        return context.registerService(BrowserBackend.class, backend,
                new Hashtable<>(Map.of(BrowserBackend.NAME_PROPERTY, "scripted")));
    }

    private static void awaitWorkers(ResourcePool pool, String backend, int n) throws InterruptedException {
        Await.until(n + " idle " + backend + " workers", () -> pool.workers().stream()
                .filter(w -> w.backend().equals(backend) && w.state().equals("idle")).count() >= n,
                () -> pool.workers().toString());
    }

    private List<CompletableFuture<InferenceResult>> submit(ResourcePool pool, ModelDescriptor m,
            List<Map<String, Tensor>> inputs, ExecutionProvider ep) {
        List<CompletableFuture<InferenceResult>> out = new ArrayList<>();
        for (Map<String, Tensor> in : inputs) {
            out.add(pool.infer(m.name(), in, InferenceOptions.defaults().withExecutionProvider(ep))
                    .toCompletableFuture());
        }
        return out;
    }

    private static List<Map<String, Tensor>> inputs(ModelDescriptor m, int n) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestInputs.random(m, 300 + i, 1));
        }
        return out;
    }

    @Test
    public void anOperatorWebGpuCannotRunFallsBackToWasm() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        try (NativeReference ref = new NativeReference()) {
            ScriptedBackend scripted = new ScriptedBackend(repository, ref,
                    name -> name.equals(m.name()) ? List.of(ExecutionProvider.WEBGPU) : List.of());
            ServiceRegistration<BrowserBackend> reg = register(scripted);
            try {
                awaitWorkers(pool, "scripted", 2);
                pool.drain("chromium");
                PoolStatus before = pool.status();
                List<Map<String, Tensor>> in = inputs(m, 6);
                List<CompletableFuture<InferenceResult>> results = submit(pool, m, in, ExecutionProvider.WEBGPU);
                for (int i = 0; i < in.size(); i++) {
                    InferenceResult r = results.get(i).get(60, TimeUnit.SECONDS);
                    assertEquals("ran where WebGPU failed", "scripted", r.backend());
                    assertEquals("fell back to wasm", ExecutionProvider.WASM, r.executionProvider());
                    ref.assertMatches(repository.modelFile(m), in.get(i), r, 1e-5);
                }
                PoolStatus after = pool.status();
                // The first refusal is recorded for the backend's WebGPU: requests placed after it go to wasm at
                // once; only those already sent (2 workers, 2 requests each at the most) were refused too.
                int refused = scripted.refusals.get();
                assertTrue("refused " + refused, refused >= 1 && refused <= 4);
                assertEquals("one retry each refused one", refused, after.retried() - before.retried());
                assertEquals(0, after.failed() - before.failed());
            } finally {
                pool.resume("chromium");
                reg.unregister();
            }
        }
    }

    @Test
    public void anOperatorOneBackendCannotRunOnWasmMovesToAnother() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
        ModelDescriptor m = repository.find("text-encoder", null).orElseThrow();
        try (NativeReference ref = new NativeReference()) {
            ScriptedBackend scripted = new ScriptedBackend(repository, ref,
                    name -> name.equals(m.name()) ? List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU)
                            : List.of());
            ServiceRegistration<BrowserBackend> reg = register(scripted);
            try {
                awaitWorkers(pool, "scripted", 2);
                awaitWorkers(pool, "chromium", 2);
                PoolStatus before = pool.status();
                List<Map<String, Tensor>> in = inputs(m, 20);
                List<CompletableFuture<InferenceResult>> results = submit(pool, m, in, ExecutionProvider.WASM);
                for (int i = 0; i < in.size(); i++) {
                    InferenceResult r = results.get(i).get(120, TimeUnit.SECONDS);
                    assertEquals("moved to the backend that can run it", "chromium", r.backend());
                    ref.assertMatches(repository.modelFile(m), in.get(i), r, 1e-4);
                }
                PoolStatus after = pool.status();
                assertTrue("the scripted backend was tried first for some requests", scripted.refusals.get() > 0);
                assertEquals(scripted.refusals.get(), after.retried() - before.retried());
                assertEquals(0, after.failed() - before.failed());

                // With no other backend in service the request fails, and says why.
                pool.drain("chromium");
                try {
                    submit(pool, m, inputs(m, 1), ExecutionProvider.WASM).get(0).get(60, TimeUnit.SECONDS);
                    fail("ran although no backend in service can run it");
                } catch (ExecutionException e) {
                    InferenceException ie = (InferenceException) e.getCause();
                    assertEquals(ie.getMessage(), FailureClass.UNSUPPORTED_OPERATOR, ie.failureClass());
                    assertTrue(ie.getMessage(), ie.getMessage().contains("Could not find an implementation"));
                }
                assertEquals(1, pool.status().failedByClass().get(FailureClass.UNSUPPORTED_OPERATOR)
                        - before.failedByClass().get(FailureClass.UNSUPPORTED_OPERATOR));
            } finally {
                pool.resume("chromium");
                reg.unregister();
            }
        }
    }
}
