package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;

/** Firefox ESR as the only backend: every demo model on wasm and on WebGPU, checked against ONNX Runtime Java. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FirefoxInFelixTest {

    @Inject
    private ResourcePool pool;

    @Inject
    private ModelRepository repository;

    @Configuration
    public Option[] config() throws Exception {
        // Every backend but Firefox stays installed and stopped, so Firefox computes everything.
        return FelixOptions.distribution(FelixOptions.onlyBackend("firefox"));
    }

    @Test
    public void everyDemoModelRunsInFirefoxOnWasmAndWebGpu() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        BackendStatus firefox = pool.backends().get(0);
        assertEquals("firefox", firefox.description().name());
        assertTrue(firefox.description().available());
        assertTrue("Firefox reports no WebGPU adapter: " + firefox.capabilities(),
                firefox.capabilities().webgpu().available());
        try (NativeReference ref = new NativeReference()) {
            for (ModelDescriptor m : pool.models()) {
                for (ExecutionProvider ep : new ExecutionProvider[] {ExecutionProvider.WASM, ExecutionProvider.WEBGPU}) {
                    Map<String, Tensor> inputs = TestInputs.random(m, 31, 2);
                    InferenceResult r = pool.infer(m.id(), inputs, InferenceOptions.defaults()
                            .withExecutionProvider(ep).withTimeout(java.time.Duration.ofSeconds(180)))
                            .toCompletableFuture().get(200, TimeUnit.SECONDS);
                    assertEquals("firefox", r.backend());
                    assertEquals(ep, r.executionProvider());
                    ref.assertMatches(repository.modelFile(m), inputs, r, 1e-4);
                }
            }
        }
    }
}
