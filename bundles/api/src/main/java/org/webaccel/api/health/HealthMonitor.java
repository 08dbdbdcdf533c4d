package org.webaccel.api.health;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Watches workers and backends: the pool reports every outcome here, asks {@link #allows} before it places a
 * request on a worker, and shows the breakers and scores to operators.
 * <p>
 * Each worker and each backend has a circuit breaker. A breaker opens after too many consecutive failures or
 * too high a failure rate; while open it refuses calls; after its open delay it turns half-open and admits a
 * limited number of trial calls, which close it again when they succeed and reopen it when one fails. A
 * backend's breaker counts the outcomes of all of its workers. Thresholds may differ per browser family.
 * <p>
 * Workers are named by the pool's worker id and backends by their service name ({@code webaccel.backend}).
 * All methods are thread-safe and cheap enough to call on every request.
 */
@org.osgi.annotation.versioning.ProviderType
public interface HealthMonitor {

    /**
     * Reports a request that a worker completed.
     *
     * @param workerId the worker that ran it
     * @param backend the worker's backend
     * @param model the model and how it ran, e.g. {@code name:version@ep}: latency is compared against this
     *        key's baseline, so include the execution provider when providers differ in speed
     * @param latency the time the worker took, from dispatch to result
     */
    void recordSuccess(String workerId, String backend, String model, Duration latency);

    /**
     * Reports a request that failed on a worker. Failures whose class does not
     * {@linkplain FailureClass#countsAgainstWorker() count against the worker} change neither breakers nor
     * scores.
     *
     * @param workerId the worker that ran it
     * @param backend the worker's backend
     * @param failureClass why it failed
     */
    void recordFailure(String workerId, String backend, FailureClass failureClass);

    /**
     * Reports a request that failed on a worker, with what is known of the failure (the error's message); the
     * detail is kept in the breakers' {@linkplain #workerHistory(String) history}. Otherwise as
     * {@link #recordFailure(String, String, FailureClass)}, which a monitor that keeps no history is called
     * with instead.
     *
     * @param workerId the worker that ran it
     * @param backend the worker's backend
     * @param failureClass why it failed
     * @param detail what is known of the failure, or null
     */
    default void recordFailure(String workerId, String backend, FailureClass failureClass, String detail) {
        recordFailure(workerId, backend, failureClass);
    }

    /**
     * Reports that a worker's connection to the bridge dropped. This lowers the health scores of the worker
     * and its backend; a request that was running is reported separately with
     * {@link FailureClass#CONNECTION_LOST}.
     *
     * @param workerId the worker
     * @param backend the worker's backend
     */
    void recordConnectionDrop(String workerId, String backend);

    /**
     * Reports the memory a worker (or the browser it lives in) uses.
     *
     * @param workerId the worker
     * @param backend the worker's backend
     * @param residentBytes resident memory in bytes
     */
    void recordMemory(String workerId, String backend, long residentBytes);

    /**
     * Asks whether a worker may take a request now. False while the worker's or its backend's breaker is
     * open, and while they are half-open and their trial calls are taken. A true answer in half-open takes
     * one trial call, so call this only when about to dispatch, and report the outcome afterwards.
     *
     * @param workerId the worker
     * @param backend the worker's backend
     * @return true when the request may be placed on this worker
     */
    boolean allows(String workerId, String backend);

    /**
     * @param workerId a worker id
     * @return the worker's breaker, or empty if nothing was reported for it (or it was forgotten)
     */
    Optional<BreakerState> workerBreaker(String workerId);

    /**
     * @param backend a backend name
     * @return the backend's breaker, or empty if nothing was reported for it
     */
    Optional<BreakerState> backendBreaker(String backend);

    /**
     * @param workerId a worker id
     * @return the worker's health, or empty if nothing was reported for it (or it was forgotten)
     */
    Optional<HealthScore> workerHealth(String workerId);

    /**
     * @param backend a backend name
     * @return the backend's health, or empty if nothing was reported for it
     */
    Optional<HealthScore> backendHealth(String backend);

    /**
     * @param workerId a worker id
     * @return the recent phase changes and counted failures of the worker's breaker, or empty if nothing was
     *         reported for it (or it was forgotten, or the monitor keeps no history)
     */
    default Optional<BreakerHistory> workerHistory(String workerId) {
        return Optional.empty();
    }

    /**
     * @param backend a backend name
     * @return the recent phase changes and counted failures of the backend's breaker, or empty if nothing was
     *         reported for it (or the monitor keeps no history)
     */
    default Optional<BreakerHistory> backendHistory(String backend) {
        return Optional.empty();
    }

    /**
     * @return the history of every known breaker, in the order of {@link #breakers()}; empty if the monitor
     *         keeps no history
     */
    default List<BreakerHistory> histories() {
        return List.of();
    }

    /** @return every known breaker, backends first, each group sorted by id */
    List<BreakerState> breakers();

    /** @return every known health score, backends first, each group sorted by id */
    List<HealthScore> scores();

    /**
     * Drops all state of a worker that was closed. Its past outcomes stay counted in its backend.
     *
     * @param workerId the worker
     */
    void forget(String workerId);
}
