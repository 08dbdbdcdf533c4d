package org.webaccel.api.metrics;

import java.time.Instant;
import org.webaccel.api.ExecutionProvider;

/**
 * Latency of one model on one backend and execution provider during one step of a timeline. Latency
 * statistics are over the total time of the step's successful inferences and are {@code NaN} when there were
 * none.
 *
 * @param start the start of the step
 * @param model the model name
 * @param backend the backend, {@code ""} for requests that never reached a worker
 * @param executionProvider the execution provider
 * @param count inferences in the step, successful or not
 * @param failures failed inferences in the step
 * @param p50Ms median total latency
 * @param p95Ms 95th percentile of total latency
 */
public record LatencyPoint(Instant start, String model, String backend, ExecutionProvider executionProvider,
        long count, long failures, double p50Ms, double p95Ms) {
}
