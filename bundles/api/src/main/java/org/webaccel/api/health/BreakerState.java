package org.webaccel.api.health;

import java.time.Duration;

/**
 * A snapshot of one circuit breaker.
 *
 * @param scope whether this is a worker's or a backend's breaker
 * @param id the worker id, or the backend name
 * @param backend the backend name (equal to {@code id} for a backend's breaker)
 * @param family the browser family whose thresholds apply
 * @param phase closed, open or half-open
 * @param consecutiveFailures counted failures since the last success
 * @param failures counted failures in the breaker's current window (in half-open: among the trial calls)
 * @param successes successes in the breaker's current window (in half-open: among the trial calls)
 * @param executions outcomes in the breaker's current window
 * @param retryIn while open, the time until the breaker turns half-open and admits trial calls; otherwise zero
 */
public record BreakerState(Scope scope, String id, String backend, String family, Phase phase,
        int consecutiveFailures, long failures, int successes, int executions, Duration retryIn) {

    /** The phase of a circuit breaker. */
    public enum Phase {
        /** Calls pass; outcomes are counted. */
        CLOSED,
        /** Calls are refused until the open delay has passed. */
        OPEN,
        /** A limited number of trial calls pass; their outcomes close or reopen the breaker. */
        HALF_OPEN
    }

    /** @return true when calls are refused */
    public boolean isOpen() {
        return phase == Phase.OPEN;
    }
}
