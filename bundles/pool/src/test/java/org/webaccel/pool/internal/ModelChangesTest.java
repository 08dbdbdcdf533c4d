package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.tensor.Tensor;

/** The repository's changes in the pool: queued requests of a removed model end; pages drop its sessions. */
public class ModelChangesTest {
    private static final Map<String, Tensor> INPUT = Map.of("x", Tensor.ofFloats(new long[] {1, 4}, new float[4]));

    @Test
    public void queuedRequestsOfARemovedModelFailAsNotFoundAndNothingElseIsLost() throws Exception {
        try (PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 0))) {
            List<CompletableFuture<InferenceResult>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(f.pool.infer("echo", INPUT, InferenceOptions.defaults().withTimeout(Duration.ofMinutes(1)))
                        .toCompletableFuture());
            }
            assertEquals(3, f.pool.status().queued());
            f.modelsChanged(new ModelChange(List.of(), List.of(PoolFixture.MODEL), List.of()));
            for (CompletableFuture<InferenceResult> q : queued) {
                try {
                    q.get(1, TimeUnit.MINUTES);
                    throw new AssertionError("ran");
                } catch (ExecutionException e) {
                    assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ModelNotFoundException);
                    assertTrue(e.getCause().getMessage(), e.getCause().getMessage().startsWith("model 'echo:1' was "
                            + "unloaded from the model repository while request "));
                }
            }
            assertEquals(0, f.pool.status().queued());
            assertEquals("each ended once, counted", 3, f.pool.status().failed());
        }
    }

    @Test
    public void pagesReleaseTheSessionsOfARemovedOrChangedModel() throws Exception {
        try (PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 2))) {
            f.awaitWorkers(2);
            f.pool.infer("echo", INPUT, InferenceOptions.defaults()).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertEquals(1, f.pool.workers().stream().filter(w -> w.loadedModels().contains("echo:1@wasm")).count());
            f.modelsChanged(new ModelChange(List.of(), List.of(), List.of(PoolFixture.MODEL)));
            assertTrue(f.pool.workers().stream().allMatch(w -> w.loadedModels().isEmpty()));
            assertEquals("every page was told", List.of("echo:1", "echo:1"), f.pages.unloaded());
        }
    }
}
