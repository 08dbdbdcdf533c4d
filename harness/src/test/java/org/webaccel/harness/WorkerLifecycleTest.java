package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
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
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/** Worker lifecycle and hot plug with real Chromium in Felix: recycling, drain, backend bundles stopped and reinstalled under load. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkerLifecycleTest {
    private static final String CHROMIUM = "org.webaccel.backend-chromium";
    private static final String FIREFOX = "org.webaccel.backend-firefox";

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

    private record Submitted(Map<String, Tensor> inputs, CompletableFuture<InferenceResult> result) {
    }

    private List<Submitted> submit(ResourcePool pool, int n, int seed) {
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        List<Submitted> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Tensor> in = TestInputs.random(m, seed + i, 1);
            out.add(new Submitted(in, pool.infer(m.name(), in, InferenceOptions.defaults().withTimeout(
                    java.time.Duration.ofSeconds(120))).toCompletableFuture()));
        }
        return out;
    }

    /** Every request completed with its own correct result; returns the browsers that computed them. */
    private Set<String> assertAllCorrect(List<Submitted> requests) throws Exception {
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        Set<String> browsers = new TreeSet<>();
        try (NativeReference ref = new NativeReference()) {
            for (Submitted s : requests) {
                InferenceResult r = s.result.get(180, TimeUnit.SECONDS);
                ref.assertMatches(repository.modelFile(m), s.inputs, r, 1e-4);
                browsers.add(r.worker().substring(0, r.worker().lastIndexOf("-p")));
            }
        }
        return browsers;
    }

    private static void assertBalanced(PoolStatus s) {
        assertEquals(s.toString(), s.submitted(), s.succeeded() + s.failed() + s.inFlight());
        assertEquals(s.toString(), 0, s.failed());
    }

    private Bundle bundle(String symbolicName) {
        return PoolServices.bundle(context, symbolicName);
    }

    @Test
    public void browsersAreRecycledAfterTheirRequestLimitWithoutLosingARequest() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maxBrowsers", 1,
                "maxPagesPerBrowser", 2, "recycleAfterRequests", 8L, "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 2);
        long before = pool.status().succeeded();
        List<Submitted> load = submit(pool, 40, 100);
        Set<String> browsers = assertAllCorrect(load);
        assertTrue("expected several browsers to take turns, saw " + browsers, browsers.size() >= 3);
        assertBalanced(pool.status());
        assertEquals(before + 40, pool.status().succeeded());
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maintenanceIntervalSeconds", 1));
    }

    @Test
    public void browsersAreRecycledAboveTheirMemoryLimitAndPastTheirAge() throws Exception {
        for (Map<String, Object> limit : List.<Map<String, Object>>of(Map.of("recycleAboveRssMegabytes", 1L),
                Map.of("recycleAfterSeconds", 3L))) {
            Map<String, Object> props = new java.util.HashMap<>(Map.of("minWorkers", 2, "maxBrowsers", 1,
                    "maintenanceIntervalSeconds", 1));
            props.putAll(limit);
            ResourcePool pool = PoolServices.reconfigure(context, cm, props);
            Set<String> browsers = new TreeSet<>();
            Await.until(limit + ": browsers replaced twice", () -> {
                browsers.addAll(assertAllCorrect(submit(pool, 4, browsers.size() * 10)));
                Thread.sleep(500);
                return browsers.size() >= 3;
            }, browsers::toString);
            assertBalanced(pool.status());
        }
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maintenanceIntervalSeconds", 1));
    }

    @Test
    public void queuedRequestsOfHigherPriorityRunFirst() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 1,
                "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 1);
        pool.drain("chromium");
        Await.until("no worker left", () -> pool.status().workers() + pool.status().starting() == 0,
                () -> pool.status().toString());
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String name = i == 5 ? "urgent" : "routine-" + i;
            InferenceOptions options = InferenceOptions.defaults().withPriority(i == 5 ? 5 : 0);
            CompletableFuture<InferenceResult> f = pool.infer(m.name(), TestInputs.random(m, i, 1), options)
                    .toCompletableFuture();
            f.whenComplete((r, e) -> order.add(name));
            all.add(f);
        }
        // One worker, started only now: it takes the queue in priority order, then arrival order.
        pool.resume("chromium");
        for (CompletableFuture<InferenceResult> f : all) {
            f.get(120, TimeUnit.SECONDS);
        }
        assertEquals(List.of("urgent", "routine-0", "routine-1", "routine-2", "routine-3", "routine-4"), order);
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maintenanceIntervalSeconds", 1));
    }

    @Test
    public void idleWorkersAboveTheMinimumAreClosed() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 4, "maxPagesPerBrowser", 4,
                "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 4);
        assertAllCorrect(submit(pool, 8, 300));
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 1, "idleTimeoutSeconds", 2L,
                "maintenanceIntervalSeconds", 1));
        Await.until("idle workers closed down to the minimum", () -> pool.status().workers() == 1,
                () -> pool.status().toString());
        assertFalse(assertAllCorrect(submit(pool, 3, 400)).isEmpty());
        assertBalanced(pool.status());
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maintenanceIntervalSeconds", 1));
    }

    @Test
    public void aDrainedBackendTakesNoWorkUntilResumed() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2,
                "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 2);
        pool.drain("chromium");
        assertTrue(pool.backends().get(0).draining());
        Await.until("no worker left", () -> pool.status().workers() + pool.status().starting() == 0,
                () -> pool.status().toString());
        List<Submitted> waiting = submit(pool, 3, 7);
        Thread.sleep(2000);
        assertFalse("a drained backend ran a request", waiting.stream().anyMatch(s -> s.result.isDone()));
        pool.resume("chromium");
        assertFalse(pool.backends().get(0).draining());
        assertFalse(assertAllCorrect(waiting).isEmpty());
        assertBalanced(pool.status());
    }

    /** Keeps a fixed number of requests in flight until stopped, remembering every one. */
    private final class Load implements AutoCloseable {
        private final ResourcePool pool;
        private final List<Submitted> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(12);
        private volatile boolean running = true;
        private final Thread thread;

        Load(ResourcePool pool) {
            this.pool = pool;
            this.thread = new Thread(this::run, "test-load");
            thread.start();
        }

        private void run() {
            int seed = 5000;
            try {
                while (running) {
                    inFlight.acquire();
                    Submitted s = submit(pool, 1, seed++).get(0);
                    s.result.whenComplete((r, e) -> inFlight.release());
                    all.add(s);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until a request completed on {@code backend} after this call. */
        void awaitResultFrom(String backend) throws InterruptedException {
            int from = all.size();
            Await.until("a result from " + backend, () -> {
                List<Submitted> since;
                synchronized (all) {
                    since = new ArrayList<>(all.subList(from, all.size()));
                }
                return since.stream().anyMatch(s -> s.result.isDone() && !s.result.isCompletedExceptionally()
                        && s.result.join().backend().equals(backend));
            }, () -> pool.status() + " " + pool.backends());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(Await.PATIENCE.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("the load thread did not stop");
            }
        }
    }

    @Test
    public void backendsAddedAndRemovedUnderLoadLoseNothing() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2,
                "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 2);
        Bundle chromium = bundle(CHROMIUM);
        Bundle firefox = bundle(FIREFOX);
        String location = chromium.getLocation();
        // A request an earlier test left running would otherwise end during this one and be counted here.
        Await.until("no request in flight", () -> pool.status().inFlight() == 0, () -> pool.status().toString());
        long succeededBefore = pool.status().succeeded();
        List<Submitted> requests;
        Load load = new Load(pool);
        try {
            load.awaitResultFrom("chromium");

            // Added under load: its workers join and take requests.
            firefox.start();
            assertTrue("pool:backends must show the new backend at once", pool.backends().stream()
                    .anyMatch(b -> b.description().name().equals("firefox")));
            load.awaitResultFrom("firefox");

            // Removed under load: its workers drain, their requests finish or move to Firefox.
            chromium.stop();
            assertTrue("pool:backends still lists the stopped backend", pool.backends().stream()
                    .noneMatch(b -> b.description().name().equals("chromium")));
            load.awaitResultFrom("firefox");
            chromium.uninstall();

            // Reinstalled under load: it serves again.
            Bundle again = context.installBundle(location);
            again.start();
            assertTrue(pool.backends().stream().anyMatch(b -> b.description().name().equals("chromium")));
            load.awaitResultFrom("chromium");
            firefox.stop();
        } finally {
            load.close();
        }
        // After the load stopped submitting: every request it sent, none more, none less.
        requests = new ArrayList<>(load.all);
        Set<String> browsers = assertAllCorrect(requests);
        assertTrue(browsers.toString(), browsers.stream().anyMatch(b -> b.startsWith("firefox")));
        PoolStatus s = pool.status();
        assertBalanced(s);
        assertEquals(0, s.inFlight());
        assertEquals(succeededBefore + requests.size(), s.succeeded());
    }
}
