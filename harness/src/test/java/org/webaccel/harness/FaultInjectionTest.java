package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.RejectedException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.testing.Await;
import org.webaccel.testing.Processes;

/**
 * Faults injected into a loaded pool of real Chromium browsers in Felix. Each case runs a few hundred requests
 * at concurrency 8, commits its fault once the load is under way, and then checks that every request ended
 * exactly once (with its own correct result, or an error naming its class), that the counters balance, and
 * that the pool is back at full capacity; it prints the time that took.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultInjectionTest {
    private static final String CHROMIUM = "org.webaccel.backend-chromium";
    private static final int WORKERS = 4;
    private static final int REQUESTS = 300;
    private static final int CONCURRENCY = 8;

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

    private ModelDescriptor model;
    private ResourcePool pool;

    @Before
    public void setUp() throws Exception {
        model = repository.find("image-classifier", null).orElseThrow();
        Dictionary<String, Object> bridge = new Hashtable<>(Map.of("faultInjection", true,
                "heartbeatIntervalMillis", 500, "heartbeatTimeoutMillis", 3000));
        org.osgi.service.cm.Configuration c = cm.getConfiguration("org.webaccel.bridge", "?");
        if (c.getProperties() == null || !Boolean.TRUE.equals(c.getProperties().get("faultInjection"))) {
            c.update(bridge);
            // The bridge restarts with the new settings, and the pool that depends on it with it.
            Await.until("the bridge took fault injection", this::faultInjectionOn);
        }
        pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", WORKERS, "maxBrowsers", 2,
                "maxPagesPerBrowser", 2, "maintenanceIntervalSeconds", 1, "hangGraceSeconds", 2, "maxAttempts", 3,
                "idleTimeoutSeconds", 0L));
        awaitFullCapacity();
    }

    private boolean faultInjectionOn() {
        var ref = context.getServiceReference(WorkerBridge.class);
        if (ref == null || context.getService(ref) == null) {
            return false;
        }
        try {
            context.getService(ref).injectFault("no-such-worker", WorkerBridge.Fault.CLOSE_SOCKET);
        } catch (IllegalArgumentException expected) {
            return true;
        } catch (IllegalStateException off) {
            return false;
        }
        return false;
    }

    private WorkerBridge bridge() {
        return context.getService(context.getServiceReference(WorkerBridge.class));
    }

    /** @return seconds until the pool had all its workers connected again (printed, never asserted) */
    private double awaitFullCapacity() throws InterruptedException {
        long t0 = System.nanoTime();
        Await.until("the pool back at " + WORKERS + " connected workers", () -> {
            PoolStatus s = PoolServices.pool(context).status();
            long connected = PoolServices.pool(context).workers().stream()
                    .filter(w -> w.state().equals("idle") || w.state().equals("busy")).count();
            return s.workers() >= WORKERS && connected >= WORKERS && s.starting() == 0;
        }, () -> PoolServices.pool(context).status().toString());
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One request: its inputs, its end, and whether it had ended already when {@code infer} returned. */
    private record Sent(Map<String, Tensor> inputs, CompletableFuture<InferenceResult> result,
            boolean endedAtSubmission) {
    }

    /**
     * What one case measured: seconds from the fault until the pool had all its workers connected again after
     * losing some (NaN when it never lost one), and until the load had ended and the pool was at full capacity.
     */
    private record Outcome(List<Sent> sent, PoolStatus before, PoolStatus after, double capacitySeconds,
            double drainedSeconds) {
    }

    /** Polls the pool from the fault on and notes when its workers are all connected again after a loss. */
    private final class CapacityWatch implements AutoCloseable {
        private final Thread thread;
        private volatile long backAt;
        private volatile boolean running = true;
        private volatile Throwable broken;
        private volatile int polls;
        private volatile int lowest = Integer.MAX_VALUE;
        private volatile boolean lost;

        CapacityWatch(CompletableFuture<Long> faultAt) {
            thread = new Thread(() -> {
                try {
                    faultAt.join();
                    while (running && backAt == 0) {
                        long connected = pool.workers().stream()
                                .filter(w -> w.state().equals("idle") || w.state().equals("busy")).count();
                        polls++;
                        lowest = (int) Math.min(lowest, connected);
                        lost |= connected < WORKERS;
                        if (lost && connected >= WORKERS) {
                            backAt = System.nanoTime();
                        }
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    // the case is over
                } catch (Throwable e) {
                    broken = e;
                }
            }, "capacity-watch");
            thread.start();
        }

        double secondsSince(long t0) {
            return backAt == 0 ? Double.NaN : (backAt - t0) / 1e9;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
            if (lost && backAt == 0) {
                // Full capacity was seen by the caller (awaitFullCapacity) between two polls: it is back by now.
                backAt = System.nanoTime();
            }
            System.out.printf(Locale.ROOT, "FAULT watch: %d polls, fewest connected workers %d%n", polls, lowest);
            if (broken != null) {
                throw new AssertionError("the capacity watch failed", broken);
            }
        }
    }

    /**
     * Runs the load, commits the fault once a sixth of the requests are done, and waits for every request to
     * end and the pool to be back at full capacity.
     */
    private Outcome underLoad(String name, Duration timeout, int concurrency, Fault fault) throws Exception {
        PoolStatus before = pool.status();
        List<Sent> sent = new ArrayList<>();
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch warm = new CountDownLatch(REQUESTS / 6);
        CompletableFuture<Long> faultAt = new CompletableFuture<>();
        CompletableFuture<Void> committed = new CompletableFuture<>();
        Thread injector = new Thread(() -> {
            try {
                warm.await();
                faultAt.complete(System.nanoTime());
                fault.commit();
                committed.complete(null);
            } catch (Throwable e) {
                faultAt.completeExceptionally(e);
                committed.completeExceptionally(e);
            }
        }, "fault-" + name);
        injector.start();
        CapacityWatch watch = new CapacityWatch(faultAt);
        for (int i = 0; i < REQUESTS; i++) {
            if (i == REQUESTS / 3) {
                // However long the fault takes to commit (finding processes reads all of /proc), two thirds of
                // the load come after it: the pool meets the fault under load, never after the load has ended.
                committed.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
            slots.acquire();
            Map<String, Tensor> in = TestInputs.random(model, 7000 + i, 1);
            CompletableFuture<InferenceResult> f = pool.infer(model.name(), in,
                    InferenceOptions.defaults().withTimeout(timeout)).toCompletableFuture();
            f.whenComplete((r, e) -> {
                slots.release();
                warm.countDown();
            });
            sent.add(new Sent(in, f, false));
        }
        injector.join(Await.PATIENCE.toMillis());
        long t0 = faultAt.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        for (Sent s : sent) {
            try {
                s.result.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Checked below.
            }
        }
        awaitFullCapacity();
        double drained = (System.nanoTime() - t0) / 1e9;
        watch.close();
        pool = PoolServices.pool(context);
        Outcome o = new Outcome(sent, before, pool.status(), watch.secondsSince(t0), drained);
        report(name, o);
        return o;
    }

    @FunctionalInterface
    private interface Fault {
        void commit() throws Exception;
    }

    /**
     * Every request ended once: with a result equal to ONNX Runtime's on the CPU for its own input, or with an
     * error that names an allowed class. The pool's counters moved by exactly as much.
     */
    private Map<FailureClass, Integer> assertAccounted(Outcome o, Predicate<FailureClass> allowed) throws Exception {
        Map<FailureClass, Integer> failures = new EnumMap<>(FailureClass.class);
        int ok = 0;
        int rejected = 0;
        try (NativeReference ref = new NativeReference()) {
            for (Sent s : o.sent) {
                assertTrue("a request never ended", s.result.isDone());
                try {
                    InferenceResult r = s.result.get();
                    ref.assertMatches(repository.modelFile(model), s.inputs, r, 1e-4);
                    ok++;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof InferenceException ie)) {
                        throw new AssertionError("an error without a class", e.getCause());
                    }
                    if (ie instanceof RejectedException) {
                        assertTrue("a rejection ends the request before infer returns: " + ie.getMessage(),
                                s.endedAtSubmission);
                        rejected++;
                        continue;
                    }
                    assertTrue("unexpected failure " + ie.failureClass() + ": " + ie.getMessage(),
                            allowed.test(ie.failureClass()));
                    failures.merge(ie.failureClass(), 1, Integer::sum);
                }
            }
        }
        PoolStatus b = o.before;
        PoolStatus a = o.after;
        int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(a.toString(), 0, a.inFlight());
        assertEquals(a.toString(), a.submitted(), a.succeeded() + a.failed() + a.inFlight());
        assertEquals("accepted", o.sent.size() - rejected, a.submitted() - b.submitted());
        assertEquals("succeeded once each", ok, a.succeeded() - b.succeeded());
        assertEquals("failed once each", failed, a.failed() - b.failed());
        assertEquals("rejected", rejected, a.rejected() - b.rejected());
        for (FailureClass c : FailureClass.values()) {
            assertEquals("failed as " + c, (long) failures.getOrDefault(c, 0),
                    a.failedByClass().get(c) - b.failedByClass().get(c));
        }
        return failures;
    }

    private void report(String name, Outcome o) {
        PoolStatus a = o.after;
        PoolStatus b = o.before;
        String capacity = Double.isNaN(o.capacitySeconds) ? "no worker lost"
                : String.format(Locale.ROOT, "%d workers again after %.2f s", WORKERS, o.capacitySeconds);
        System.out.printf(Locale.ROOT, "FAULT %-18s requests %d  succeeded %d  failed %d  retried %d  rejected %d  "
                + "%s; load ended and %d workers after %.2f s%n", name, o.sent.size(), a.succeeded() - b.succeeded(),
                a.failed() - b.failed(), a.retried() - b.retried(), a.rejected() - b.rejected(), capacity, WORKERS,
                o.drainedSeconds);
    }

    private WorkerInfo busyWorker() {
        return pool.workers().stream().filter(w -> w.state().equals("busy")).findFirst()
                .orElse(pool.workers().get(0));
    }

    @Test
    public void killedBrowser() throws Exception {
        Outcome o = underLoad("kill -9 browser", Duration.ofSeconds(60), CONCURRENCY, () -> {
            // The victim's page is first made to hold its request (it stops answering), so that the kill surely
            // takes a running request with it, whatever the timing.
            WorkerInfo victim = busyWorker();
            bridge().injectFault(victim.id(), WorkerBridge.Fault.BUSY_LOOP);
            // Busy and no longer serving: a request sent after the loop began is stuck in it.
            long[] servedBefore = {-1};
            Await.until("the stuck page holds a request", () -> {
                WorkerInfo now = pool.workers().stream().filter(w -> w.id().equals(victim.id())).findFirst()
                        .orElseThrow();
                boolean stuck = now.state().equals("busy") && now.served() == servedBefore[0];
                servedBefore[0] = now.served();
                return stuck;
            });
            long pid = victim.browserPid();
            assertTrue("the chromium backend reports its browser's pid", pid > 0);
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        });
        assertEquals(Map.of(), assertAccounted(o, c -> false));
        assertTrue("the lost requests were retried", o.after.retried() > o.before.retried());
    }

    @Test
    public void crashedPage() throws Exception {
        Outcome o = underLoad("page crash", Duration.ofSeconds(60), CONCURRENCY, () -> {
            // Every renderer of the browser: the worker pages' own among them (pages of one site may share one),
            // while the browser itself lives on.
            long pid = busyWorker().browserPid();
            List<ProcessHandle> renderers = Processes.chromiumHelpers(ProcessHandle.of(pid).orElseThrow(), "renderer");
            assertFalse("no renderer process under browser " + pid, renderers.isEmpty());
            Set<String> pages = pool.workers().stream().filter(w -> w.browserPid() == pid).map(WorkerInfo::id)
                    .collect(Collectors.toSet());
            renderers.forEach(ProcessHandle::destroyForcibly);
            Await.until("the pool saw the pages of browser " + pid + " crash: " + pages, () -> pool.workers().stream()
                    .noneMatch(w -> pages.contains(w.id()) && (w.state().equals("idle") || w.state().equals("busy"))));
            // Chromium itself outlives its renderers; Playwright's driver sometimes does not (it can fail an
            // assertion of its own on the crashed targets and exit, taking the browser along), which the pool
            // meets as a lost browser. Either way no request may be lost: reported, not asserted.
            System.out.println("FAULT page crash: the browser " + (ProcessHandle.of(pid).map(Processes::isRunning)
                    .orElse(false) ? "outlived its renderers" : "went too (its driver exited)"));
        });
        assertEquals(Map.of(), assertAccounted(o, c -> false));
        assertFalse("the crashed pages left the pool and were replaced", Double.isNaN(o.capacitySeconds));
    }

    @Test
    public void hungPage() throws Exception {
        // A short deadline, so that a request caught in the hung page ends soon; it fails as a hang.
        String[] hung = new String[1];
        Outcome o = underLoad("busy-loop page", Duration.ofSeconds(6), CONCURRENCY, () -> {
            hung[0] = busyWorker().id();
            bridge().injectFault(hung[0], WorkerBridge.Fault.BUSY_LOOP);
        });
        // The request the page was running fails as a hang; one the page held behind it (pipelining) reaches its
        // deadline there without having run. Which of the two a request is depends on where the page was when the
        // loop began: the counts are checked together, and every failure names the hung page.
        assertAccounted(o, c -> c == FailureClass.HANG || c == FailureClass.DEADLINE_EXCEEDED);
        List<String> messages = new ArrayList<>();
        for (Sent s : o.sent) {
            if (s.result.isCompletedExceptionally()) {
                messages.add(s.result.handle((r, e) -> (e instanceof java.util.concurrent.CompletionException
                        ? e.getCause() : e).getMessage()).join());
            }
        }
        assertTrue("at most the requests the hung page held (pipeline depth 2) are lost: " + messages,
                messages.size() <= 2);
        assertTrue("every lost request was on the hung page " + hung[0] + ": " + messages,
                messages.stream().allMatch(m -> m.contains("worker " + hung[0] + " ")));
    }

    @Test
    public void closedWebSocket() throws Exception {
        Outcome o = underLoad("closed WebSocket", Duration.ofSeconds(60), CONCURRENCY,
                () -> bridge().injectFault(busyWorker().id(), WorkerBridge.Fault.CLOSE_SOCKET));
        assertEquals(Map.of(), assertAccounted(o, c -> false));
    }

    @Test
    public void backendBundleStopped() throws Exception {
        Bundle chromium = bundle(CHROMIUM);
        Outcome o = underLoad("backend stopped", Duration.ofSeconds(120), CONCURRENCY, () -> {
            chromium.stop();
            Thread.sleep(1000);
            chromium.start();
        });
        assertEquals(Map.of(), assertAccounted(o, c -> false));
    }

    @Test
    public void metricsDatabaseUnwritable() throws Exception {
        // A database path under a regular file can be neither created nor written, not even by root.
        Path blocker = Files.createTempFile("not-a-directory", ".tmp");
        org.osgi.service.cm.Configuration c = cm.getConfiguration("org.webaccel.metrics", "?");
        Dictionary<String, Object> old = c.getProperties();
        try {
            Outcome o = underLoad("metrics unwritable", Duration.ofSeconds(60), CONCURRENCY, () -> c.update(
                    new Hashtable<>(Map.of("database", blocker.resolve("metrics.duckdb").toString()))));
            assertEquals(Map.of(), assertAccounted(o, f -> false));
            MetricsStore metrics = context.getService(context.getServiceReference(MetricsStore.class));
            var status = metrics.status();
            assertTrue("the store reports its database unavailable: " + status, !status.available());
            System.out.println("FAULT metrics unwritable: store " + status);
        } finally {
            c.update(old == null ? new Hashtable<>(Map.of("database", "data/metrics.duckdb")) : old);
            Files.deleteIfExists(blocker);
        }
    }

    /**
     * With no worker to take them, a burst fills the queue and the rest is rejected: exactly the overflow, each
     * rejection complete before {@code infer} returns. The queued requests run once workers are back. (How long
     * a rejection takes is figure 7, admission, of the benchmark.)
     */
    @Test
    public void fullQueueRejectsAtOnce() throws Exception {
        int capacity = 16;
        org.osgi.service.cm.Configuration c = cm.getConfiguration("org.webaccel.pool", "?");
        Dictionary<String, Object> props = c.getProperties();
        props.put("queueCapacity", capacity);
        c.update(props);
        Await.until("the pool took a queue of " + capacity, () -> pool.status().queueCapacity() == capacity);
        pool.drain("chromium");
        Await.until("no worker left", () -> pool.status().workers() + pool.status().starting() == 0,
                () -> pool.status().toString());
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            inputs.add(TestInputs.random(model, 9000 + i, 1));
        }
        PoolStatus before = pool.status();
        List<Sent> sent = new ArrayList<>();
        for (Map<String, Tensor> in : inputs) {
            CompletableFuture<InferenceResult> f = pool.infer(model.name(), in,
                    InferenceOptions.defaults().withTimeout(Await.PATIENCE)).toCompletableFuture();
            sent.add(new Sent(in, f, f.isDone()));
        }
        long endedAtOnce = sent.stream().filter(Sent::endedAtSubmission).count();
        assertEquals("the queue takes " + capacity + " and rejects the rest at once", REQUESTS - capacity, endedAtOnce);
        assertEquals(capacity, pool.status().queued());
        for (Sent s : sent.subList(0, capacity)) {
            assertFalse("the first " + capacity + " wait in the queue", s.endedAtSubmission);
        }
        pool.resume("chromium");
        for (Sent s : sent) {
            try {
                s.result.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Checked below.
            }
        }
        // the backend was drained on purpose, not lost: no capacity figure
        Outcome o = new Outcome(sent, before, pool.status(), Double.NaN, awaitFullCapacity());
        report("full queue", o);
        assertEquals("only rejections failed", Map.of(), assertAccounted(o, f -> false));
        assertEquals(REQUESTS - capacity, o.after.rejected() - before.rejected());
        props.put("queueCapacity", 256);
        c.update(props);
    }

    private Bundle bundle(String symbolicName) {
        return PoolServices.bundle(context, symbolicName);
    }
}
