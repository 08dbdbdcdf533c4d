package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.RejectedException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.Scaling;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/**
 * Scheduling with real Chromium in Felix: fair turns between models, per-model limits, dynamic batching that
 * gives the same results as single runs, deadlines, and the scaling controller's decisions.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulingTest {
    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private ModelRepository repository;

    @Inject
    private org.apache.felix.service.command.CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private ModelDescriptor model(String name) {
        return repository.find(name, null).orElseThrow();
    }

    private static CompletableFuture<InferenceResult> infer(ResourcePool pool, ModelDescriptor m,
            Map<String, Tensor> in, Duration timeout) {
        return pool.infer(m.name(), in, InferenceOptions.defaults().withTimeout(timeout)).toCompletableFuture();
    }

    private static long served(ResourcePool pool) {
        return pool.workers().stream().mapToLong(WorkerInfo::served).sum();
    }

    /**
     * Reconfigures the pool to one worker and waits until surplus workers of earlier tests have been closed
     * (idle workers above the minimum close after a second here).
     */
    private ResourcePool oneWorker(Map<String, Object> more) throws Exception {
        Map<String, Object> props = new java.util.HashMap<>(Map.of("minWorkers", 1, "maxBrowsers", 1,
                "idleTimeoutSeconds", 1L, "maintenanceIntervalSeconds", 1));
        props.putAll(more);
        ResourcePool pool = PoolServices.reconfigure(context, cm, props);
        Await.until("down to one worker", () -> pool.status().workers() == 1 && pool.status().starting() == 0,
                () -> pool.status().toString());
        return pool;
    }

    /**
     * Takes the only backend out of service until every request of the test is queued, so that the order the
     * pool runs them in depends on its rules only, not on how fast the test submits them.
     */
    private static void drain(ResourcePool pool) throws InterruptedException {
        pool.drain("chromium");
        Await.until("no worker left", () -> pool.status().workers() + pool.status().starting() == 0,
                () -> pool.status().toString());
    }

    /** Warms every worker with the model, so that session creation does not fall into a measured window. */
    private static void warm(ResourcePool pool, ModelDescriptor m, int n) throws Exception {
        List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
        for (int i = 0; i < n * 2; i++) {
            all.add(infer(pool, m, TestInputs.random(m, i, 1), Duration.ofSeconds(120)));
        }
        for (var f : all) {
            f.get(180, TimeUnit.SECONDS);
        }
    }

    @Test
    public void batchedRequestsGetTheSameResultsAsSingleRuns() throws Exception {
        ModelDescriptor m = model("image-classifier");
        ResourcePool pool = oneWorker(Map.of());
        warm(pool, m, 1);
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        List<InferenceResult> single = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inputs.add(TestInputs.random(m, 500 + i, 1 + i % 2));
            single.add(infer(pool, m, inputs.get(i), Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS));
        }
        pool = oneWorker(Map.of("batchMaxSize", "image-classifier=8", "batchMaxDelayMillis",
                "image-classifier=200"));
        drain(pool);
        List<CompletableFuture<InferenceResult>> batched = new ArrayList<>();
        for (Map<String, Tensor> in : inputs) {
            batched.add(infer(pool, m, in, Duration.ofSeconds(120)));
        }
        pool.resume("chromium");
        PoolServices.awaitWorkers(pool, 1);
        long runsBefore = served(pool);
        for (int i = 0; i < inputs.size(); i++) {
            InferenceResult b = batched.get(i).get(180, TimeUnit.SECONDS);
            for (var e : single.get(i).outputs().entrySet()) {
                Tensor got = b.outputs().get(e.getKey());
                assertTrue("same shape", java.util.Arrays.equals(e.getValue().shape(), got.shape()));
                double diff = NativeReference.maxAbsDiff(e.getValue().toFloats(), got.toFloats());
                assertTrue(e.getKey() + " of request " + i + " differs by " + diff, diff <= 1e-5);
            }
        }
        long runs = served(pool) - runsBefore;
        System.out.println("BATCHING 16 requests (24 images), all queued, ran in " + runs + " browser calls");
        assertTrue("16 queued requests of up to 2 images each, batches of up to 8: 3 to 8 calls, took " + runs,
                runs >= 3 && runs <= 8);
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
    }

    @Test
    public void aBurstOfOneModelDoesNotStarveAnother() throws Exception {
        ModelDescriptor burst = model("image-classifier");
        ModelDescriptor other = model("text-encoder");
        ResourcePool pool = oneWorker(Map.of());
        warm(pool, burst, 1);
        warm(pool, other, 1);
        drain(pool);
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(infer(pool, burst, TestInputs.random(burst, i, 1), Duration.ofSeconds(120))
                    .whenComplete((r, e) -> order.add("burst")));
        }
        for (int i = 0; i < 5; i++) {
            all.add(infer(pool, other, TestInputs.random(other, i, 1), Duration.ofSeconds(120))
                    .whenComplete((r, e) -> order.add("other")));
        }
        pool.resume("chromium");
        for (var f : all) {
            f.get(180, TimeUnit.SECONDS);
        }
        List<String> seen = new ArrayList<>(order);
        int lastOther = seen.lastIndexOf("other");
        System.out.println("FAIRNESS the last of 5 text-encoder requests ended as number " + (lastOther + 1)
                + " of 65 (in arrival order it would be 65)");
        // Equal weights, one worker: the two models take turns while both wait (in arrival order: last of 65).
        assertTrue("text-encoder requests took turns with the burst: " + seen, lastOther < 20);
    }

    @Test
    public void aModelAtItsConcurrencyLimitWaitsAndItsQueueIsBounded() throws Exception {
        ModelDescriptor m = model("image-classifier");
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maxBrowsers", 1,
                "idleTimeoutSeconds", 0L, "modelConcurrency", "image-classifier=1", "modelQueueLimits",
                "image-classifier=10"));
        PoolServices.awaitWorkers(pool, 2);
        drain(pool);
        List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < 30; i++) {
            CompletableFuture<InferenceResult> f = infer(pool, m, TestInputs.random(m, i, 1), Duration.ofSeconds(60));
            if (f.isCompletedExceptionally()) {
                try {
                    f.join();
                } catch (java.util.concurrent.CompletionException e) {
                    assertTrue(e.getCause() instanceof RejectedException);
                    assertTrue(e.getCause().getMessage(),
                            e.getCause().getMessage().startsWith("queue full for model image-classifier"));
                    rejected++;
                    continue;
                }
            }
            all.add(f);
        }
        assertEquals("the model's queue bound of 10 takes 10 of 30 and rejects the rest at once", 20, rejected);
        pool.resume("chromium");
        int maxBusy = 0;
        while (all.stream().anyMatch(f -> !f.isDone())) {
            maxBusy = Math.max(maxBusy, pool.status().busy());
            Thread.sleep(2);
        }
        for (var f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals("at most one image-classifier request ran at a time on two workers", 1, maxBusy);
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
    }

    @Test
    public void aRequestPastItsDeadlineInTheQueueFailsAndIsNeverRun() throws Exception {
        ModelDescriptor m = model("image-classifier");
        ResourcePool pool = oneWorker(Map.of());
        warm(pool, m, 1);
        // No worker until every request has ended: each can only end by its deadline, in the queue.
        drain(pool);
        PoolStatus before = pool.status();
        List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(infer(pool, m, TestInputs.random(m, i, 1), Duration.ofMillis(40)));
        }
        for (var f : all) {
            try {
                f.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
                throw new AssertionError("a request ran without a worker");
            } catch (ExecutionException e) {
                assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof DeadlineExceededException);
                DeadlineExceededException d = (DeadlineExceededException) e.getCause();
                assertEquals(d.getMessage(), FailureClass.DEADLINE_EXCEEDED, d.failureClass());
                assertTrue(d.getMessage(), d.getMessage().contains("it was never run"));
            }
        }
        PoolStatus after = pool.status();
        assertEquals(40, after.failedByClass().get(FailureClass.DEADLINE_EXCEEDED)
                - before.failedByClass().get(FailureClass.DEADLINE_EXCEEDED));
        pool.resume("chromium");
        PoolServices.awaitWorkers(pool, 1);
        long runsBefore = served(pool);
        Thread.sleep(500);
        assertEquals("requests that expired in the queue are never run later", runsBefore, served(pool));
        assertEquals(0, pool.status().inFlight());
    }

    @Test
    public void theControllerAddsWorkersWhenRequestsWaitAndRemovesThemWhenIdle() throws Exception {
        ModelDescriptor m = model("text-encoder");
        ResourcePool pool = oneWorker(Map.of("maxWorkers", 3, "maxPagesPerBrowser", 4,
                "targetQueueWaitMillis", 100L, "idleTimeoutSeconds", 3L));
        PoolServices.awaitWorkers(pool, 1);
        List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
        Await.until("the controller scaled up to 3 workers under a queue of 30", () -> {
            while (pool.status().queued() < 30) {
                all.add(infer(pool, m, TestInputs.random(m, all.size(), 1), Duration.ofSeconds(120)));
            }
            return pool.status().workers() >= 3;
        }, () -> pool.scaling().toString());
        for (var f : all) {
            f.get(180, TimeUnit.SECONDS);
        }
        // (3 workers were seen above; by now the idle ones may already be closing again)
        Scaling s = pool.scaling();
        System.out.println("SCALING " + s.decisions());
        assertTrue(s.toString(), s.decisions().stream().anyMatch(d -> d.contains("scaled chromium up to 2 workers: "
                + "the oldest request waited")));
        Await.until("back to the minimum when idle", () -> pool.status().workers() == 1,
                () -> pool.scaling().toString());
        s = pool.scaling();
        assertTrue(s.toString(), s.decisions().stream().anyMatch(d -> d.contains("scaled chromium down to")));

        // Over the memory budget the controller adds nothing, and says why.
        ResourcePool budgeted = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 1, "maxWorkers", 3,
                "maxBrowsers", 1, "maxPagesPerBrowser", 4, "targetQueueWaitMillis", 100L,
                "maintenanceIntervalSeconds", 1, "idleTimeoutSeconds", 3L, "memoryBudgetMegabytes", 1L));
        all.clear();
        Await.until("the controller refused to scale up over the memory budget", () -> {
            while (budgeted.status().queued() < 30) {
                all.add(infer(budgeted, m, TestInputs.random(m, all.size(), 1), Duration.ofSeconds(120)));
            }
            return budgeted.scaling().decisions().stream().anyMatch(d -> d.contains("not scaling up"));
        }, () -> budgeted.scaling().toString());
        for (var f : all) {
            f.get(180, TimeUnit.SECONDS);
        }
        s = pool.scaling();
        assertEquals(s.toString(), 1, pool.status().workers());
        assertTrue(s.toString(), s.decisions().stream().anyMatch(d -> d.contains("not scaling up")
                && d.contains("MiB budget")));
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
    }

    @Test
    public void autoLetsThePlacementPolicyChooseTheProviderFromTheAffinityTable() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 1));
        PoolServices.awaitWorkers(pool, 1);
        // Default table: vision -> chromium/webgpu; text -> */webnn, which no page here has, so wasm. A WebGPU
        // adapter that reports itself as a fallback (software) ranks below wasm until history says otherwise:
        // what the page reported decides which to expect.
        ModelDescriptor vision = model("image-classifier");
        boolean software = pool.workers().stream().filter(w -> w.capabilities() != null).findFirst().orElseThrow()
                .capabilities().webgpu().fallback();
        InferenceResult r = pool.infer(vision.name(), TestInputs.random(vision, 1, 1),
                InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.AUTO)).toCompletableFuture()
                .get(180, TimeUnit.SECONDS);
        assertEquals(software ? ExecutionProvider.WASM : ExecutionProvider.WEBGPU, r.executionProvider());
        if (software) {
            String explain = gogo("pool:explain image-classifier");
            assertTrue(explain, explain.contains("FALLBACK ADAPTER") && explain.contains("-35.0"));
        }
        ModelDescriptor text = model("text-encoder");
        r = pool.infer(text.name(), TestInputs.random(text, 1, 1),
                InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.AUTO)).toCompletableFuture()
                .get(180, TimeUnit.SECONDS);
        assertEquals(ExecutionProvider.WASM, r.executionProvider());
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
    }

    private String gogo(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    @Test
    public void pressureAndScaleThroughTheShell() throws Exception {
        ResourcePool pool = oneWorker(Map.of());
        String pressure = gogo("pool:pressure");
        assertTrue(pressure, pressure.contains("available yes"));
        assertTrue(pressure, pressure.matches("(?s).*running   0 on 1 workers.*queued    0 of \\d+.*rejected  \\d+ "
                + "in the last minute.*cpu       load [0-9.]+ per core.*memory    browsers \\d+ MiB.*"));
        var p = pool.pressure();
        assertTrue(p.toString(), p.available() && p.workers() == 1 && p.browserMemoryBytes() > 0);

        String scaled = gogo("pool:scale --min 1 --max 3 --wait 250 --memory 8192");
        assertTrue(scaled, scaled.contains("bounds    min 1, max 3 workers per backend"));
        assertTrue(scaled, scaled.contains("add a worker when a request waits over 250 ms"));
        assertTrue(scaled, scaled.contains("of a 8192 MiB budget"));
        assertEquals(3, pool.scaling().maxWorkers());
        for (String[] bad : new String[][] {{"--min 2 --max 1", "--max (1) must be at least --min (2), or 0 to turn scaling off"},
                {"--wait 0", "--wait must be at least 1 ms, got 0"},
                {"--memory -5", "--memory must be 0 (no budget) or more MiB, got -5"}}) {
            String out;
            try {
                out = gogo("pool:scale " + bad[0]);
            } catch (Exception e) {
                out = null;
                assertEquals(bad[1], e.getMessage());
            }
            assertEquals("accepted " + bad[0], null, out);
            assertEquals("a refused change changes nothing", 3, pool.scaling().maxWorkers());
        }
        PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2));
    }
}
