package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/**
 * The whole request path on scripted in-memory pages: deadlines, hangs, lost workers, batching and many
 * requests from many threads at once. No Felix, no browser; a test runs in well under a second.
 */
public class RequestPathTest {

    private static Map<String, Tensor> input(int rows, float value) {
        float[] v = new float[rows * 4];
        java.util.Arrays.fill(v, value);
        return Map.of("x", Tensor.ofFloats(new long[] {rows, 4}, v));
    }

    private static InferenceOptions timeout(Duration d) {
        return InferenceOptions.defaults().withTimeout(d);
    }

    private static InferenceException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(1, TimeUnit.MINUTES);
            throw new AssertionError("succeeded");
        } catch (ExecutionException e) {
            return (InferenceException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("never ended");
        }
    }

    @Test
    public void withoutAWorkerARequestEndsAtItsDeadlineNeverRun() throws Exception {
        try (PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 0))) {
            InferenceException e = failure(f.pool.infer("echo", input(1, 1), timeout(Duration.ofMillis(50)))
                    .toCompletableFuture());
            assertTrue(e instanceof DeadlineExceededException);
            assertEquals(FailureClass.DEADLINE_EXCEEDED, e.failureClass());
            assertTrue(e.getMessage(), e.getMessage().endsWith("0 workers connected, 0 starting; it was never run"));
            assertEquals(1, f.pool.status().failedByClass().get(FailureClass.DEADLINE_EXCEEDED).longValue());
        }
    }

    @Test
    public void aPageThatDoesNotAnswerByTheDeadlineFailsItAsAHangAndIsReplaced() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean hangOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        ScriptedPages.Script firstHangs = (worker, model, ep, inputs) -> hangOnce.getAndSet(false)
                ? new CompletableFuture<>() : ScriptedPages.ECHO.run(worker, model, ep, inputs);
        try (PoolFixture f = new PoolFixture(firstHangs, Map.of("minWorkers", 1, "hangGraceSeconds", 0))) {
            f.awaitWorkers(1);
            String hung = f.pool.workers().get(0).id();
            // long enough that the request reaches the page on a loaded machine: the page then never answers
            InferenceException e = failure(f.pool.infer("echo", input(1, 1), timeout(Duration.ofSeconds(2)))
                    .toCompletableFuture());
            assertEquals(FailureClass.HANG, e.failureClass());
            assertTrue(e.getMessage(), e.getMessage().contains("was still running on worker " + hung));
            Await.until("the hung worker replaced", () -> f.pool.workers().size() == 1
                    && !f.pool.workers().get(0).id().equals(hung) && f.pool.status().idle() == 1);
            InferenceResult r = f.pool.infer("echo", input(1, 2), timeout(Duration.ofMinutes(1))).toCompletableFuture()
                    .get(1, TimeUnit.MINUTES);
            assertNotEquals(hung, r.worker());
        }
    }

    @Test
    public void aRequestWhoseWorkerIsLostRunsAgainOnAnother() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ScriptedPages[] pages = new ScriptedPages[1];
        ScriptedPages.Script firstLosesItsPage = (worker, model, ep, inputs) -> {
            if (runs.incrementAndGet() == 1) {
                pages[0].channels().stream().filter(c -> c.workerId().equals(worker)).findFirst().orElseThrow()
                        .close("the page went away");
                return new CompletableFuture<>();
            }
            return ScriptedPages.ECHO.run(worker, model, ep, inputs);
        };
        try (PoolFixture f = new PoolFixture(firstLosesItsPage, Map.of("minWorkers", 2))) {
            pages[0] = f.pages;
            f.awaitWorkers(2);
            InferenceResult r = f.pool.infer("echo", input(1, 3), timeout(Duration.ofMinutes(1))).toCompletableFuture()
                    .get(1, TimeUnit.MINUTES);
            assertEquals(3f, r.output("y").toFloats()[0], 0);
            PoolStatus s = f.pool.status();
            assertEquals(1, s.retried());
            assertEquals(1, s.succeeded());
            assertEquals(0, s.failed());
            assertEquals(2, runs.get());
        }
    }

    @Test
    public void queuedRequestsOfOneModelRunAsOneBatchAndGetTheirOwnRows() throws Exception {
        ConcurrentLinkedQueue<Long> batchRows = new ConcurrentLinkedQueue<>();
        ScriptedPages.Script recording = (worker, model, ep, inputs) -> {
            batchRows.add(inputs.get("x").shape()[0]);
            return ScriptedPages.ECHO.run(worker, model, ep, inputs);
        };
        try (PoolFixture f = new PoolFixture(recording, Map.of("minWorkers", 1, "batchMaxSize", "echo=8"))) {
            f.awaitWorkers(1);
            f.pool.drain("scripted");
            Await.until("no worker left", () -> f.pool.status().workers() + f.pool.status().starting() == 0);
            List<CompletableFuture<InferenceResult>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(f.pool.infer("echo", input(1 + i % 2, i), timeout(Duration.ofMinutes(1))).toCompletableFuture());
            }
            f.pool.resume("scripted");
            for (int i = 0; i < all.size(); i++) {
                Tensor y = all.get(i).get(1, TimeUnit.MINUTES).output("y");
                assertEquals("request " + i + " gets its own rows", 1 + i % 2, y.shape()[0]);
                assertEquals((float) i, y.toFloats()[0], 0);
            }
            // rows 1, 2, 1, 2, 1 join (7, the next 2 would pass 8); the last request runs on its own
            assertEquals(List.of(7L, 2L), List.copyOf(batchRows));
        }
    }

    @Test
    public void manyRequestsFromManyThreadsEachEndOnceAndTheCountersAgree() throws Exception {
        AtomicInteger n = new AtomicInteger();
        ScriptedPages[] pages = new ScriptedPages[1];
        // every seventh run loses its page; the others answer on another thread
        ExecutorService pageThreads = Executors.newFixedThreadPool(2);
        ScriptedPages.Script flaky = (worker, model, ep, inputs) -> {
            if (n.incrementAndGet() % 7 == 0) {
                pages[0].channels().stream().filter(c -> c.workerId().equals(worker)).findFirst()
                        .ifPresent(c -> c.close("dropped"));
                return new CompletableFuture<>();
            }
            return CompletableFuture.supplyAsync(() -> ScriptedPages.ECHO.run(worker, model, ep, inputs), pageThreads)
                    .thenCompose(s -> s);
        };
        try (PoolFixture f = new PoolFixture(flaky, Map.of("minWorkers", 3, "maxAttempts", 5))) {
            pages[0] = f.pages;
            f.awaitWorkers(3);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<CompletableFuture<InferenceResult>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.execute(() -> {
                    for (int i = 0; i < 250; i++) {
                        all.add(f.pool.infer("echo", input(1, client * 1000 + i), timeout(Duration.ofMinutes(1)))
                                .toCompletableFuture());
                    }
                });
            }
            clients.shutdown();
            assertTrue(clients.awaitTermination(1, TimeUnit.MINUTES));
            int ok = 0;
            int failed = 0;
            for (CompletableFuture<InferenceResult> r : all) {
                try {
                    r.get(1, TimeUnit.MINUTES);
                    ok++;
                } catch (ExecutionException e) {
                    assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof InferenceException);
                    failed++;
                }
            }
            PoolStatus s = f.pool.status();
            assertEquals(1000, all.size());
            assertEquals(1000, s.submitted() + s.rejected());
            assertEquals(s.submitted(), s.succeeded() + s.failed());
            assertEquals(0, s.inFlight());
            assertEquals(ok, s.succeeded());
            assertEquals("failed: ended with an error, or refused at once", failed, s.failed() + s.rejected());
            assertTrue("lost pages were retried: " + s, s.retried() > 0);
            assertEquals("no request holds memory once ended", 0, f.pool.requestMemory().heldBytes());
        } finally {
            pageThreads.shutdownNow();
        }
    }
}
