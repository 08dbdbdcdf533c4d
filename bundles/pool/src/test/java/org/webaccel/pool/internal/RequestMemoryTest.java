package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.RejectedException;
import org.webaccel.api.RequestMemory;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.PageResult;
import org.webaccel.testing.Await;

/** Admission by bytes: the inputs of requests in flight and the results callers hold stay within the budget. */
public class RequestMemoryTest {

    private static final int QUARTER_MIB_FLOATS = 64 * 1024;

    /** Pages that answer only when the test lets them, with a small output. */
    private final ConcurrentLinkedQueue<CompletableFuture<PageResult>> waiting = new ConcurrentLinkedQueue<>();
    private final ScriptedPages.Script held = (worker, model, ep, inputs) -> {
        CompletableFuture<PageResult> f = new CompletableFuture<>();
        waiting.add(f);
        return f;
    };

    private static Map<String, Tensor> quarterMiB() {
        return Map.of("x", Tensor.ofFloats(new long[] {1, QUARTER_MIB_FLOATS}, new float[QUARTER_MIB_FLOATS]));
    }

    private void answerAll() {
        for (CompletableFuture<PageResult> f; (f = waiting.poll()) != null;) {
            f.complete(new PageResult(Map.of("y", Tensor.ofFloats(new long[] {1, 1}, 1f)), 0.1, 0, 0.2));
        }
    }

    @Test
    public void pastTheBudgetRequestsAreRejectedAtOnceUntilBytesComeBack() throws Exception {
        try (PoolFixture f = new PoolFixture(held, Map.of("minWorkers", 1, "requestMemoryMegabytes", 1L))) {
            f.awaitWorkers(1);
            RequestMemory memory = f.pool.requestMemory();
            assertEquals(1 << 20, memory.budgetBytes());
            List<CompletableFuture<InferenceResult>> accepted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                accepted.add(f.pool.infer("echo", quarterMiB(), InferenceOptions.defaults()).toCompletableFuture());
            }
            assertEquals("four quarters fill the budget", 1 << 20, memory.heldBytes());
            CompletableFuture<InferenceResult> fifth = f.pool.infer("echo", quarterMiB(), InferenceOptions.defaults())
                    .toCompletableFuture();
            assertTrue("rejected before infer returns", fifth.isCompletedExceptionally());
            ExecutionException e = org.junit.Assert.assertThrows(ExecutionException.class, fifth::get);
            assertTrue(e.getCause() instanceof RejectedException);
            assertEquals("request memory full: requests in flight hold 1.0 MiB of inputs and undelivered results, "
                    + "and this one brings 0.3 MiB (budget 1 MiB, requestMemoryMegabytes of org.webaccel.pool); "
                    + "retry later", e.getCause().getMessage());
            assertEquals(1, f.pool.status().rejected());

            // They end: their bytes come back, whatever their deadlines.
            Await.until("the four answered", () -> {
                answerAll();
                return accepted.stream().allMatch(CompletableFuture::isDone);
            });
            for (CompletableFuture<InferenceResult> r : accepted) {
                r.get(1, TimeUnit.MINUTES);
            }
            assertEquals(0, memory.heldBytes());

            // A caller holding a result counts too, until it lets go.
            RequestMemory.Hold result = memory.hold(1 << 20);
            assertTrue(f.pool.infer("echo", quarterMiB(), InferenceOptions.defaults()).toCompletableFuture()
                    .isCompletedExceptionally());
            result.close();
            result.close();
            assertEquals(0, memory.heldBytes());
            CompletableFuture<InferenceResult> after = f.pool.infer("echo", quarterMiB(), InferenceOptions.defaults())
                    .toCompletableFuture();
            assertFalse(after.isDone());
            Await.until("the next one answered", () -> {
                answerAll();
                return after.isDone();
            });
            after.get();
            assertEquals(0, memory.heldBytes());
        }
    }
}
