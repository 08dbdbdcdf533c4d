package org.webaccel.api;

/**
 * Counters of the pool. At any moment {@code submitted == succeeded + failed + inFlight}, where
 * {@code inFlight} counts both queued and running requests; rejected requests were never accepted.
 *
 * @param workers connected workers
 * @param idle workers waiting for a request
 * @param busy workers running a request
 * @param starting workers whose page has not connected yet
 * @param queued requests waiting for a worker
 * @param inFlight accepted requests not yet ended (queued or running)
 * @param submitted requests accepted
 * @param succeeded requests ended with a result
 * @param failed requests ended with an error
 * @param rejected requests refused at submission (invalid input, unknown model, full queue)
 * @param queueCapacity the bound of the queue
 */
public record PoolStatus(int workers, int idle, int busy, int starting, int queued, long inFlight, long submitted,
        long succeeded, long failed, long rejected, int queueCapacity) {
}
