package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.PageException;

/**
 * A model whose session a page cannot create: the pool records it once for the model and provider, fails its
 * next requests at once without trying another worker, and forgets it when the model is loaded anew.
 */
public class UnloadableModelTest {
    private static final Map<String, Tensor> INPUT = Map.of("x", Tensor.ofFloats(new long[] {1, 4}, new float[4]));
    private static final String NO_OP = "Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: Fatal error: "
            + "com.example:Foo(-1) is not a registered function/op";
    private static final String NO_KERNEL = "Can't create a session. ERROR_CODE: 9, ERROR_MESSAGE: Could not find "
            + "an implementation for RandomUniformLike(22) node with name ''";

    private static InferenceFailedException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(1, TimeUnit.MINUTES);
            throw new AssertionError("ran");
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof InferenceFailedException);
            return (InferenceFailedException) e.getCause();
        }
    }

    @Test
    public void aModelWhoseSessionFailsIsRecordedOnceAndRefusedAtOnceUntilItIsLoadedAnew() throws Exception {
        for (String reason : List.of(NO_OP, NO_KERNEL)) {
            AtomicInteger runs = new AtomicInteger();
            ScriptedPages.Script failing = (worker, model, ep, inputs) -> {
                runs.incrementAndGet();
                return CompletableFuture.failedFuture(new PageException("load", "Error", reason));
            };
            try (PoolFixture f = new PoolFixture(failing, Map.of("minWorkers", 2, "maxAttempts", 3))) {
                f.awaitWorkers(2);
                InferenceFailedException first = failure(f.pool.infer("echo", INPUT, InferenceOptions.defaults())
                        .toCompletableFuture());
                assertTrue(first.getMessage(), first.getMessage().matches("model echo:1 failed in worker \\S+ while "
                        + "creating its session on wasm: .*"));
                assertEquals("tried on one worker only: every page of a backend runs the same ONNX Runtime Web; " + reason, 1,
                        runs.get());
                List<SessionFailure> recorded = f.pool.sessionFailures();
                assertEquals(1, recorded.size());
                assertEquals("echo:1", recorded.get(0).model());
                assertEquals(ExecutionProvider.WASM, recorded.get(0).provider());
                assertEquals(reason, recorded.get(0).reason());

                InferenceFailedException next = failure(f.pool.infer("echo", INPUT, InferenceOptions.defaults())
                        .toCompletableFuture());
                assertTrue(next.getMessage(), next.getMessage().startsWith("model echo:1 is not loadable on provider "
                        + "wasm: " + reason + " (backend scripted) [" + first.failureClass().id() + "]"));
                assertEquals("scripted", recorded.get(0).backend());
                assertEquals("classed as the failure it repeats", first.failureClass(), next.failureClass());
                assertEquals("no page was asked again", 1, runs.get());
                assertEquals(next.getMessage(), failure(f.pool.infer("echo", INPUT, InferenceOptions.defaults()
                        .withExecutionProvider(ExecutionProvider.WASM)).toCompletableFuture()).getMessage());
                assertEquals(1, runs.get());

                // The model's files change (or it is reloaded): it is loaded anew, and now it loads.
                f.pages.script(ScriptedPages.ECHO);
                f.modelsChanged(new ModelChange(List.of(), List.of(), List.of(PoolFixture.MODEL)));
                assertEquals(List.of(), f.pool.sessionFailures());
                f.pool.infer("echo", INPUT, InferenceOptions.defaults()).toCompletableFuture().get(1, TimeUnit.MINUTES);
            }
        }
    }

    @Test
    public void aFailedRunOrALostPageIsNotAFailedLoad() throws Exception {
        ScriptedPages.Script failing = (worker, model, ep, inputs) -> CompletableFuture.failedFuture(
                new PageException("run", "Error", "invalid dimensions for input x"));
        try (PoolFixture f = new PoolFixture(failing, Map.of("minWorkers", 1))) {
            f.awaitWorkers(1);
            failure(f.pool.infer("echo", INPUT, InferenceOptions.defaults()).toCompletableFuture());
            assertEquals(List.of(), f.pool.sessionFailures());
        }
    }

    @Test
    public void aRequestForWebGpuFallsBackToWasmWhenTheModelCannotBeLoadedOnWebGpu() throws Exception {
        AtomicInteger onGpu = new AtomicInteger();
        ScriptedPages.Script gpuLacksTheOp = (worker, model, ep, inputs) -> {
            if (ep != ExecutionProvider.WEBGPU) {
                return ScriptedPages.ECHO.run(worker, model, ep, inputs);
            }
            onGpu.incrementAndGet();
            return CompletableFuture.failedFuture(new PageException("load", "Error", NO_KERNEL));
        };
        try (PoolFixture f = new PoolFixture(gpuLacksTheOp, Map.of("minWorkers", 2))) {
            f.pages.withWebGpu();
            f.awaitWorkers(2);
            InferenceOptions gpu = InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.WEBGPU);
            assertEquals("ran on wasm after webgpu failed", ExecutionProvider.WASM, f.pool.infer("echo", INPUT, gpu)
                    .toCompletableFuture().get(1, TimeUnit.MINUTES).executionProvider());
            assertEquals(1, onGpu.get());
            assertEquals(List.of(ExecutionProvider.WEBGPU), f.pool.sessionFailures().stream()
                    .map(SessionFailure::provider).toList());
            assertEquals("placed on wasm at once", ExecutionProvider.WASM, f.pool.infer("echo", INPUT, gpu)
                    .toCompletableFuture().get(1, TimeUnit.MINUTES).executionProvider());
            assertEquals("webgpu was not asked again", 1, onGpu.get());
        }
    }
}
