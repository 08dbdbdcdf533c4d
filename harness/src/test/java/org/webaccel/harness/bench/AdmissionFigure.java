package org.webaccel.harness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.RejectedException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.tensor.Tensor;

/**
 * Figure 7: admission. A burst of requests into a queue of {@value #CAPACITY} in front of one page: how long
 * {@code infer} takes to return for a request it accepts and for one it rejects (the full queue). A rejected
 * request must come back already failed, so a client learns it at once and never waits for it.
 */
final class AdmissionFigure {
    private static final int CAPACITY = 16;
    private static final int BURST = 200;

    private final BenchPool pool;
    private final BenchConfig config;

    AdmissionFigure(BenchPool pool, BenchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    Figure measure() throws Exception {
        pool.reshape(1, 1);
        pool.queueCapacity(CAPACITY);
        String model = "image-classifier";
        Map<String, Tensor> inputs = pool.inputs(model, 0, 7);
        InferenceOptions options = InferenceOptions.defaults().withTimeout(Duration.ofSeconds(120));
        List<Double> acceptedMedians = new ArrayList<>();
        List<Double> rejectedMedians = new ArrayList<>();
        List<Double> accepted = new ArrayList<>();
        List<Double> rejected = new ArrayList<>();
        try {
            for (int round = 0; round < config.rounds(); round++) {
                ResourcePool p = pool.pool();
                List<Double> acceptedNow = new ArrayList<>();
                List<Double> rejectedNow = new ArrayList<>();
                List<CompletableFuture<InferenceResult>> running = new ArrayList<>();
                for (int i = 0; i < BURST; i++) {
                    long t0 = System.nanoTime();
                    CompletableFuture<InferenceResult> f = p.infer(model, inputs, options).toCompletableFuture();
                    double micros = (System.nanoTime() - t0) / 1e3;
                    if (f.isCompletedExceptionally()) {
                        rejectedNow.add(micros);
                        checkRejected(f);
                    } else {
                        acceptedNow.add(micros);
                        running.add(f);
                    }
                }
                for (CompletableFuture<InferenceResult> f : running) {
                    f.get(180, TimeUnit.SECONDS);
                }
                if (rejectedNow.isEmpty() || acceptedNow.isEmpty()) {
                    throw new AssertionError("a burst of " + BURST + " into a queue of " + CAPACITY + " had "
                            + rejectedNow.size() + " rejections and " + acceptedNow.size() + " acceptances");
                }
                accepted.addAll(acceptedNow);
                rejected.addAll(rejectedNow);
                acceptedMedians.add(Summary.of(acceptedNow).median());
                rejectedMedians.add(Summary.of(rejectedNow).median());
            }
        } finally {
            pool.reconfigure(Map.of());
        }
        Figure f = new Figure("admission", "infer() returning for an accepted and for a rejected request (a burst of "
                + BURST + " into a queue of " + CAPACITY + ", one page, image-classifier)");
        f.series("infer() returns, request accepted", "µs", accepted)
                .series("infer() returns, request rejected (already failed)", "µs", rejected)
                .ratio("rejected / accepted, medians per burst", rejectedMedians, acceptedMedians);
        f.fact("bursts", config.rounds());
        f.fact("rejected", rejected.size());
        f.fact("accepted", accepted.size());
        return f;
    }

    private static void checkRejected(CompletableFuture<InferenceResult> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RejectedException)) {
                throw new AssertionError("a request ended at submission, but not as rejected", e.getCause());
            }
        }
    }
}
