package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.webaccel.pool.internal.Tickets.ticket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.health.FailureClass;

public class RetriesTest {

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private boolean stopping;
    private boolean otherBackend = true;
    private final PoolCounters counters = new PoolCounters();
    private final Retries retries = new Retries(timers, new Retries.Pool() {
        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public boolean anotherBackendServes(Route route) {
            return otherBackend;
        }
    }, counters, 3);

    @After
    public void tearDown() {
        timers.shutdownNow();
    }

    private static TurnFailed failed(FailureClass c, String backend, ExecutionProvider on) {
        return new TurnFailed(new InferenceFailedException("x", c, 1, null), backend, on);
    }

    private static Ticket live() {
        return ticket("m", 0, 1, ExecutionProvider.AUTO, System.nanoTime());
    }

    @Test
    public void lostWorkersAreRetriedAndBadInputNever() {
        Ticket t = live();
        assertTrue(retries.mayRetry(t, failed(FailureClass.CONNECTION_LOST, "b", ExecutionProvider.WASM)));
        assertTrue(retries.mayRetry(t, failed(FailureClass.BROWSER_CRASH, "b", ExecutionProvider.WASM)));
        assertFalse(retries.mayRetry(t, failed(FailureClass.INVALID_INPUT, "b", ExecutionProvider.WASM)));
        assertFalse(retries.mayRetry(t, failed(FailureClass.MODEL_ERROR, "b", ExecutionProvider.WASM)));
        assertFalse(retries.mayRetry(t, failed(FailureClass.DEADLINE_EXCEEDED, null, null)));
    }

    @Test
    public void noRetryPastTheDeadlineOrWhileStopping() {
        Ticket expired = ticket("m", 0, 1, ExecutionProvider.WASM, System.nanoTime() - TimeUnit.MINUTES.toNanos(2));
        assertFalse(retries.mayRetry(expired, failed(FailureClass.CONNECTION_LOST, "b", ExecutionProvider.WASM)));
        stopping = true;
        assertFalse(retries.mayRetry(live(), failed(FailureClass.CONNECTION_LOST, "b", ExecutionProvider.WASM)));
    }

    @Test
    public void anUnsupportedOperatorFallsBackToWasmThenMovesToAnotherBackend() {
        Ticket t = live();
        assertTrue(retries.mayRetry(t, failed(FailureClass.UNSUPPORTED_OPERATOR, "chromium", ExecutionProvider.WEBGPU)));
        assertEquals(ExecutionProvider.WASM, t.route.ep());
        assertTrue(t.route.fellBack());
        assertEquals("a fallen-back request stays on wasm", t.route, t.route.nextRun(ExecutionProvider.AUTO));

        assertTrue(retries.mayRetry(t, failed(FailureClass.UNSUPPORTED_OPERATOR, "chromium", ExecutionProvider.WASM)));
        assertEquals(java.util.Set.of("chromium"), t.route.avoid());

        otherBackend = false;
        assertFalse("no backend left", retries.mayRetry(t, failed(FailureClass.UNSUPPORTED_OPERATOR, "firefox",
                ExecutionProvider.WASM)));
    }

    @Test
    public void theBudgetEndsRetriesWithTheLastError() throws Exception {
        List<Integer> turns = new ArrayList<>();
        Ticket t = live();
        CompletableFuture<Ran> end = retries.run(t, n -> {
            turns.add(n);
            return CompletableFuture.failedFuture(new TurnFailed(new InferenceFailedException("lost " + n,
                    FailureClass.CONNECTION_LOST, n, null), "b", ExecutionProvider.WASM));
        });
        ExecutionException e = org.junit.Assert.assertThrows(ExecutionException.class, () -> end.get(1, TimeUnit.MINUTES));
        assertEquals(List.of(1, 2, 3), turns);
        String last = ((TurnFailed) e.getCause()).error.getMessage();
        assertTrue(last, last.startsWith("lost 3 [connection_lost]"));
        assertEquals(2, counters.status(0, 0, 0, 0, 0).retried());
    }

    @Test
    public void theFirstTurnStartsOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        List<Thread> ranOn = new ArrayList<>();
        retries.run(live(), n -> {
            ranOn.add(Thread.currentThread());
            return new CompletableFuture<>();
        });
        assertEquals(List.of(caller), ranOn);
    }

    @Test
    public void aModelThatCannotBeLoadedOnItsProviderMovesToAnotherProviderOrEndsNotOnAnotherWorker() {
        java.util.Set<ExecutionProvider> unloadable = java.util.EnumSet.of(ExecutionProvider.WEBGPU);
        boolean[] anotherLoads = {true};
        Retries r = new Retries(timers, new Retries.Pool() {
            @Override
            public boolean stopping() {
                return false;
            }

            @Override
            public boolean anotherBackendServes(Route route) {
                return true;
            }

            @Override
            public boolean loadable(String model, ExecutionProvider ep, Route route) {
                return !unloadable.contains(ep);
            }

            @Override
            public boolean anotherProviderLoads(String model, Route route) {
                return anotherLoads[0];
            }
        }, counters, 3);
        Ticket auto = live();
        assertTrue("auto: placement takes another provider", r.mayRetry(auto, failed(FailureClass.MODEL_ERROR,
                "chromium", ExecutionProvider.WEBGPU)));
        assertEquals(ExecutionProvider.AUTO, auto.route.ep());
        anotherLoads[0] = false;
        assertFalse("auto, and no provider left", r.mayRetry(live(), failed(FailureClass.MODEL_ERROR, "chromium",
                ExecutionProvider.WEBGPU)));

        Ticket gpu = ticket("m", 0, 1, ExecutionProvider.WEBGPU, System.nanoTime());
        assertTrue(r.mayRetry(gpu, failed(FailureClass.MODEL_ERROR, "chromium", ExecutionProvider.WEBGPU)));
        assertEquals("webgpu falls back to wasm", ExecutionProvider.WASM, gpu.route.ep());

        unloadable.add(ExecutionProvider.WASM);
        Ticket wasm = ticket("m", 0, 1, ExecutionProvider.WASM, System.nanoTime());
        assertFalse("not on another backend: no backend of the route can load it", r.mayRetry(wasm,
                failed(FailureClass.UNSUPPORTED_OPERATOR, "chromium", ExecutionProvider.WASM)));
        assertEquals(java.util.Set.of(), wasm.route.avoid());
        assertFalse(r.mayRetry(ticket("m", 0, 1, ExecutionProvider.WEBGPU, System.nanoTime()),
                failed(FailureClass.MODEL_ERROR, "chromium", ExecutionProvider.WEBGPU)));
    }
}
