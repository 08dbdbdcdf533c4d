package org.webaccel.pool.internal;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.webaccel.api.health.FailureClass;

/**
 * What the pool does about each class of failure: whether the request is tried again, after what backoff,
 * and what happens to the worker or browser that failed it.
 */
final class Recovery {
    /** What happens to the request. */
    enum Retry {
        /** Not again: the failure would repeat anywhere, or the request has no time left. */
        NEVER,
        /** On another worker. */
        OTHER_WORKER,
        /** On wasm when it failed on webgpu or webnn; on another backend when it failed on wasm. */
        FALL_BACK
    }

    /** What happens to the worker's browser. */
    enum Action {
        /** Nothing beyond the worker itself: a lost page is replaced by the lifecycle step. */
        NONE,
        /** Restart the browser: it crashed, or a page in it ran out of memory. */
        RESTART_BROWSER
    }

    /**
     * @param retry whether and where the request runs again
     * @param firstDelay the backoff before the first retry; it doubles with each further retry
     * @param maxDelay the largest backoff
     * @param action what happens to the browser
     */
    record Plan(Retry retry, Duration firstDelay, Duration maxDelay, Action action) {
        /**
         * @param retryNumber 1 for the first retry
         * @return the backoff before that retry
         */
        Duration delay(int retryNumber) {
            long ms = firstDelay.toMillis() << Math.min(20, Math.max(0, retryNumber - 1));
            return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
        }
    }

    private static final Duration NO_DELAY = Duration.ZERO;
    private static final Map<FailureClass, Plan> PLANS = new EnumMap<>(FailureClass.class);

    static {
        // A lost page or socket says nothing about the next worker: retry soon, backing off if it repeats.
        PLANS.put(FailureClass.CONNECTION_LOST, new Plan(Retry.OTHER_WORKER, ms(20), ms(500), Action.NONE));
        PLANS.put(FailureClass.PAGE_CRASH, new Plan(Retry.OTHER_WORKER, ms(20), ms(500), Action.NONE));
        PLANS.put(FailureClass.HANG, new Plan(Retry.OTHER_WORKER, ms(20), ms(500), Action.NONE));
        // A crashed browser takes its sibling pages along: give the replacement a moment before retrying.
        PLANS.put(FailureClass.BROWSER_CRASH, new Plan(Retry.OTHER_WORKER, ms(50), ms(1000), Action.RESTART_BROWSER));
        // Memory is a property of the browser's state: restart it, and retry later on another worker.
        PLANS.put(FailureClass.OUT_OF_MEMORY, new Plan(Retry.OTHER_WORKER, ms(100), ms(2000),
                Action.RESTART_BROWSER));
        PLANS.put(FailureClass.UNSUPPORTED_OPERATOR, new Plan(Retry.FALL_BACK, NO_DELAY, NO_DELAY, Action.NONE));
        for (FailureClass c : FailureClass.values()) {
            PLANS.putIfAbsent(c, new Plan(Retry.NEVER, NO_DELAY, NO_DELAY, Action.NONE));
        }
    }

    private Recovery() {
    }

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    /** @return the plan for a class of failure */
    static Plan plan(FailureClass c) {
        return PLANS.get(c);
    }
}
