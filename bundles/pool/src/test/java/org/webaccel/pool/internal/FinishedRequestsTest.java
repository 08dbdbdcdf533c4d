package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.tensor.Tensor;

/**
 * A request that ended holds nothing: no timer of the pool waits on it and its tensors are unreachable from
 * the pool, whatever deadline it had. (Retained memory must follow what is in flight, not time.)
 */
public class FinishedRequestsTest {

    private static final int REQUESTS = 200;
    private static final int FLOATS = 64 * 1024;

    @Test
    public void endedRequestsLeaveNoTimerAndNoReachableTensor() throws Exception {
        try (PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 2))) {
            f.awaitWorkers(2);
            int timersIdle = f.pool.scheduledTasks();
            List<WeakReference<Tensor>> inputs = new ArrayList<>();
            List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Tensor x = Tensor.ofFloats(new long[] {1, FLOATS}, new float[FLOATS]);
                inputs.add(new WeakReference<>(x));
                results.add(f.pool.infer("echo", Map.of("x", x),
                        InferenceOptions.defaults().withTimeout(java.time.Duration.ofMinutes(10))).toCompletableFuture());
            }
            for (CompletableFuture<InferenceResult> r : results) {
                r.get(1, TimeUnit.MINUTES);
            }
            results.clear();
            assertEquals("requests in flight", 0, f.pool.status().inFlight());
            assertEquals("timers left behind by " + REQUESTS + " ended requests", timersIdle, f.pool.scheduledTasks());
            assertEquals("input tensors still reachable from the pool", 0, reachable(inputs));
        }
    }

    /** @return how many referents survive full collections (a few, as a collection may leave some) */
    static int reachable(List<WeakReference<Tensor>> refs) throws InterruptedException {
        int left = refs.size();
        for (int i = 0; i < 10 && left > 0; i++) {
            System.gc();
            Thread.sleep(20);
            left = (int) refs.stream().filter(r -> r.get() != null).count();
        }
        return left;
    }
}
