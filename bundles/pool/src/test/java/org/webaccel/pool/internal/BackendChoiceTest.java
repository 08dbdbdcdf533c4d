package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.BackendUnavailableException;
import org.webaccel.api.CallOutcome;
import org.webaccel.api.InferenceCall;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.tensor.Tensor;

/**
 * Requests that choose their backend, and lists of requests in one call, on a pool of two scripted backends
 * ({@code scripted} and {@code other}). No Felix, no browser.
 */
public class BackendChoiceTest {

    private static Map<String, Tensor> input(float value) {
        return Map.of("x", Tensor.ofFloats(new long[] {1, 4}, new float[] {value, value, value, value}));
    }

    private static PoolFixture twoBackends() throws InterruptedException {
        PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 2));
        f.pool.bindBackend(new ScriptedPages("other", f.pages), Map.of(BrowserBackend.NAME_PROPERTY, "other"));
        f.awaitWorkers(4);
        return f;
    }

    private static InferenceException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(1, TimeUnit.MINUTES);
            throw new AssertionError("succeeded");
        } catch (ExecutionException e) {
            return (InferenceException) e.getCause();
        }
    }

    private static List<String> backendsOf(PoolFixture f, BackendChoice choice, int n) throws Exception {
        List<CompletableFuture<InferenceResult>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            runs.add(f.pool.infer("echo", input(i), InferenceOptions.defaults().withBackend(choice))
                    .toCompletableFuture());
        }
        List<String> backends = new ArrayList<>();
        for (var r : runs) {
            backends.add(r.get(1, TimeUnit.MINUTES).backend());
        }
        return backends;
    }

    @Test
    public void aRequiredBackendRunsEveryRequest() throws Exception {
        try (PoolFixture f = twoBackends()) {
            List<String> backends = backendsOf(f, BackendChoice.require("other"), 20);
            assertEquals(20, backends.stream().filter("other"::equals).count());
        }
    }

    @Test
    public void aPreferredBackendRunsARequestWhenOneOfItsWorkersIsFree() throws Exception {
        try (PoolFixture f = twoBackends()) {
            // One at a time, a worker of the preferred backend is always free.
            for (int i = 0; i < 10; i++) {
                assertEquals(List.of("other"), backendsOf(f, BackendChoice.prefer("other"), 1));
            }
        }
    }

    @Test
    public void anUnknownBackendIsRefusedNamingTheOnesThereAre() throws Exception {
        try (PoolFixture f = twoBackends()) {
            long before = f.pool.status().submitted();
            for (BackendChoice c : List.of(BackendChoice.require("opera"), BackendChoice.prefer("opera"))) {
                InferenceException e = failure(f.pool.infer("echo", input(1),
                        InferenceOptions.defaults().withBackend(c)).toCompletableFuture());
                assertTrue(e instanceof InvalidInputException);
                assertEquals("no backend named 'opera' and none of that browser family; backends and families here: "
                        + "[other, scripted]", e.getMessage());
            }
            assertEquals("nothing was queued", before, f.pool.status().submitted());
        }
    }

    @Test
    public void aRequiredBackendThatIsDrainedFailsAtOnceWithItsState() throws Exception {
        try (PoolFixture f = twoBackends()) {
            f.pool.drain("other");
            long before = f.pool.status().submitted();
            InferenceException e = failure(f.pool.infer("echo", input(1),
                    InferenceOptions.defaults().withBackend(BackendChoice.require("other"))).toCompletableFuture());
            assertTrue(e instanceof BackendUnavailableException);
            assertEquals("other", ((BackendUnavailableException) e).backend());
            assertEquals("the request requires backend other, which cannot take it now: other is draining",
                    e.getMessage());
            assertEquals("nothing was queued", before, f.pool.status().submitted());
            assertEquals("preferred: runs elsewhere", List.of("scripted"),
                    backendsOf(f, BackendChoice.prefer("other"), 1));
        }
    }

    @Test
    public void inferAllEndsEachCallWithItsOwnOutcomeInTheListsOrder() throws Exception {
        try (PoolFixture f = twoBackends()) {
            InferenceOptions any = InferenceOptions.defaults();
            List<InferenceCall> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(new InferenceCall("echo", input(i), any));
            }
            calls.set(3, new InferenceCall("no-such-model", input(3), any));
            calls.set(7, new InferenceCall("echo", Map.of("wrong", Tensor.ofFloats(new long[] {1}, new float[] {1})),
                    any));
            calls.set(9, null);
            List<CallOutcome> out = f.pool.inferAll(calls).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertEquals(12, out.size());
            for (int i = 0; i < out.size(); i++) {
                CallOutcome o = out.get(i);
                assertEquals(i, o.index());
                if (i == 3 || i == 7 || i == 9) {
                    assertFalse(o.succeeded());
                    assertNull(o.result());
                } else {
                    assertTrue(o.error() == null ? "" : o.error().getMessage(), o.succeeded());
                    assertEquals("each call its own result", (float) i, o.result().outputs().get("y").toFloats()[0],
                            0f);
                }
            }
            assertTrue(out.get(3).error() instanceof ModelNotFoundException);
            assertTrue(out.get(7).error() instanceof InvalidInputException);
            assertEquals("call 9 is null", out.get(9).error().getMessage());
            assertEquals(9, f.pool.status().succeeded());
        }
    }
}
