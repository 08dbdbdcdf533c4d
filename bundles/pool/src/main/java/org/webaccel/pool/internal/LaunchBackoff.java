package org.webaccel.pool.internal;

import java.util.concurrent.TimeUnit;

/**
 * A backend's launches that failed in a row: when it may try again (the wait doubles after each failure, up to
 * a cap), and whether it still counts as serving. The first launch that works clears it. Written on the
 * backend's lane only; read anywhere.
 */
final class LaunchBackoff {

    /**
     * @param initialNanos the wait after the first failure
     * @param maxNanos the longest wait
     * @param unavailableAfter failures in a row after which the backend is out of service until a launch works
     */
    record Policy(long initialNanos, long maxNanos, int unavailableAfter) {
        static Policy of(PoolConfig c) {
            long initial = TimeUnit.MILLISECONDS.toNanos(Math.max(1, c.launchRetryInitialMillis()));
            return new Policy(initial, Math.max(initial, TimeUnit.SECONDS.toNanos(Math.max(1, c.launchRetryMaxSeconds()))),
                    Math.max(1, c.unavailableAfterFailedLaunches()));
        }
    }

    private volatile int failures;
    private volatile long notBeforeNanos;
    private volatile String lastFailure;

    /** @return whether a launch may start now */
    boolean mayLaunch(long nowNanos) {
        return failures == 0 || nowNanos - notBeforeNanos >= 0;
    }

    /**
     * @param reason what went wrong
     * @return how long to wait before the next launch
     */
    long failed(String reason, long nowNanos, Policy policy) {
        int n = failures + 1;
        long wait = policy.initialNanos() << Math.min(n - 1, 20);
        wait = wait <= 0 ? policy.maxNanos() : Math.min(policy.maxNanos(), wait);
        lastFailure = reason;
        notBeforeNanos = nowNanos + wait;
        failures = n;
        return wait;
    }

    /** @return the failures there were before this launch worked */
    int succeeded() {
        int n = failures;
        failures = 0;
        lastFailure = null;
        return n;
    }

    /** @return launches that failed in a row, 0 when the last one worked */
    int failures() {
        return failures;
    }

    /** @return why the backend is out of service, or null while it is not */
    String outOfService(Policy policy) {
        int n = failures;
        return n >= policy.unavailableAfter() ? n + " launches failed in a row (tried again after waits "
                + "that double up to " + TimeUnit.NANOSECONDS.toSeconds(policy.maxNanos()) + " s); the last: " + lastFailure : null;
    }
}
