package org.webaccel.api.metrics;

import org.webaccel.api.ExecutionProvider;

/**
 * Latency and errors of one model on one backend and execution provider over a window. Latency statistics
 * are over the total time of successful inferences and are {@code NaN} when there were none.
 *
 * @param model the model name
 * @param version the model version
 * @param backend the backend
 * @param executionProvider the execution provider
 * @param count inferences in the window, successful or not
 * @param failures failed inferences in the window
 * @param meanMs mean total latency
 * @param p50Ms median total latency (linear interpolation between ranks)
 * @param p95Ms 95th percentile of total latency
 * @param p99Ms 99th percentile of total latency
 */
public record Summary(String model, String version, String backend, ExecutionProvider executionProvider,
        long count, long failures, double meanMs, double p50Ms, double p95Ms, double p99Ms) {

    /** @return failures divided by count, 0 when there were no inferences */
    public double errorRate() {
        return count == 0 ? 0 : (double) failures / count;
    }
}
