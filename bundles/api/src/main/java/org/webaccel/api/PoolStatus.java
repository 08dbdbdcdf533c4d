package org.webaccel.api;

import java.util.EnumMap;
import java.util.Map;
import org.webaccel.api.health.FailureClass;

/**
 * Counters of the pool. At any moment {@code submitted == succeeded + failed + inFlight}, where
 * {@code inFlight} counts both queued and running requests, and {@code failed} is the sum of
 * {@code failedByClass}; rejected requests were never accepted.
 *
 * @param workers connected workers
 * @param idle workers waiting for a request
 * @param busy workers running a request
 * @param starting workers whose page has not connected yet
 * @param queued requests waiting for a worker
 * @param inFlight accepted requests not yet ended (queued, running, or waiting to be retried)
 * @param submitted requests accepted
 * @param succeeded requests ended with a result
 * @param failed requests ended with an error
 * @param rejected requests refused at submission (invalid input, unknown model, full queue)
 * @param queueCapacity the bound of the queue
 * @param retried attempts beyond each request's first (on another worker, or on wasm after webgpu failed)
 * @param failedByClass the failed requests by the class of their error; every class is present
 */
public record PoolStatus(int workers, int idle, int busy, int starting, int queued, long inFlight, long submitted,
        long succeeded, long failed, long rejected, int queueCapacity, long retried,
        Map<FailureClass, Long> failedByClass) {

    /** Copies the map, filling in the classes it lacks with 0. */
    public PoolStatus {
        EnumMap<FailureClass, Long> all = new EnumMap<>(FailureClass.class);
        for (FailureClass c : FailureClass.values()) {
            all.put(c, failedByClass == null ? 0L : failedByClass.getOrDefault(c, 0L));
        }
        failedByClass = java.util.Collections.unmodifiableMap(all);
    }
}
