package org.webaccel.breaker.internal;

import java.time.Duration;

import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.BreakerState.Phase;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.Scope;

import dev.failsafe.CircuitBreaker;

/**
 * The circuit breaker of one worker or backend, built from two Failsafe breakers because Failsafe thresholds
 * a breaker either on a count window or on consecutive failures, not both:
 * <ul>
 * <li>the <em>gate</em> decides: it opens on the failure rate over a count window, stays open for the open
 * delay, then admits the half-open trial calls and closes only when all of them succeed;</li>
 * <li>the <em>streak</em> breaker only watches consecutive failures while the gate is closed; when it trips,
 * the gate is opened and the streak starts over.</li>
 * </ul>
 * All state transitions, the open delay and the half-open permits are Failsafe's. The gate's transition
 * listeners write each phase change to the {@link BreakerJournal}, with the cause this breaker names before
 * every call into the gate that may change its phase.
 */
final class SubjectBreaker {

    private final Scope scope;
    private final String id;
    private final String backend;
    private final String family;
    private final Duration slowCall;
    private final CircuitBreaker<Object> gate;
    private final CircuitBreaker<Object> streak;
    private final BreakerJournal journal;
    private final int consecutive;
    private final int rateFailures;
    private final int window;
    private final Thresholds thresholds;
    private int consecutiveFailures;
    /** What the call into the gate that is under way would change its phase for. */
    private String cause = "";
    /** True while the gate is moved for a reason of this class's own, which is no phase change to report. */
    private boolean quiet;

    SubjectBreaker(Scope scope, String id, String backend, String family, int consecutive, int ratePercent,
            int window, Thresholds thresholds, BreakerJournal journal) {
        this.scope = scope;
        this.id = id;
        this.backend = backend;
        this.family = family;
        this.slowCall = thresholds.slowCall();
        this.journal = journal;
        this.consecutive = consecutive;
        this.window = window;
        this.thresholds = thresholds;
        // "at least ratePercent of the window": 50% of 20 opens at the 10th failure among the last 20
        this.rateFailures = Math.max(1, (int) Math.ceil(window * ratePercent / 100.0));
        this.gate = CircuitBreaker.builder()
                .withFailureThreshold(rateFailures, window)
                .withDelay(thresholds.openDelay())
                .withSuccessThreshold(thresholds.halfOpenTrials())
                .onOpen(e -> changed(e.getPreviousState(), Phase.OPEN))
                .onHalfOpen(e -> changed(e.getPreviousState(), Phase.HALF_OPEN))
                .onClose(e -> changed(e.getPreviousState(), Phase.CLOSED))
                .build();
        this.streak = CircuitBreaker.builder()
                .withFailureThreshold(consecutive)
                .withDelay(thresholds.openDelay())
                .build();
    }

    /** Failsafe calls this on the thread that changed the gate's phase, i.e. within this object's lock. */
    private void changed(CircuitBreaker.State from, Phase to) {
        if (!quiet) {
            journal.transition(phase(from), to, cause);
        }
    }

    private static Phase phase(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> Phase.CLOSED;
            case OPEN -> Phase.OPEN;
            case HALF_OPEN -> Phase.HALF_OPEN;
        };
    }

    /** Takes a call: always while closed, a trial call while half-open and trials are left, never while open. */
    synchronized boolean tryAcquire() {
        cause = "open delay of " + seconds(thresholds.openDelay()) + " passed";
        return gate.tryAcquirePermit();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** @return true when the gate is half-open, i.e. a granted call was a trial */
    synchronized boolean isHalfOpen() {
        return gate.isHalfOpen();
    }

    /** @return true while open and its delay has not yet passed: a call would surely be refused */
    synchronized boolean refusesNow() {
        return gate.isOpen() && !gate.getRemainingDelay().isZero();
    }

    /**
     * Gives back a trial call taken by {@link #tryAcquire} that was never made (the other breaker refused).
     * Failsafe has no public way to return one permit, so the half-open phase is restarted with a full set of
     * trials; trial outcomes still in flight are then counted in the new phase.
     */
    synchronized void returnTrial() {
        if (gate.isHalfOpen()) {
            quiet = true;
            try {
                gate.open();
                gate.halfOpen();
            } finally {
                quiet = false;
            }
        }
    }

    synchronized void success(Duration latency) {
        if (!slowCall.isZero() && latency.compareTo(slowCall) >= 0) {
            failure(null, "took " + latency.toMillis() + " ms; slow from " + slowCall.toMillis() + " ms");
            return;
        }
        consecutiveFailures = 0;
        boolean wasClosed = gate.isClosed();
        cause = thresholds.halfOpenTrials() + " trial call" + (thresholds.halfOpenTrials() == 1 ? "" : "s")
                + " succeeded";
        gate.recordSuccess();
        if (wasClosed) {
            streak.recordSuccess();
        }
    }

    /**
     * Counts a failed call.
     *
     * @param failureClass why it failed, or null for a call that completed too slowly
     * @param message what is known of it, or null
     */
    synchronized void failure(FailureClass failureClass, String message) {
        journal.failure(failureClass, message);
        String kind = failureClass == null ? "slow_call" : failureClass.id();
        consecutiveFailures++;
        boolean wasClosed = gate.isClosed();
        cause = wasClosed ? kind + ": at least " + rateFailures + " of the last " + window + " calls failed"
                : "trial call failed: " + kind;
        gate.recordFailure();
        if (wasClosed && gate.isClosed()) {
            streak.recordFailure();
            if (streak.isOpen()) {
                cause = kind + ": " + consecutive + " consecutive failures";
                gate.open();
                streak.close();
            }
        } else {
            // the gate left closed (or was not closed): a later closed phase starts with a fresh streak
            streak.close();
        }
    }

    synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    synchronized BreakerState state() {
        Phase phase = phase(gate.getState());
        Duration retryIn = phase == Phase.OPEN ? gate.getRemainingDelay() : Duration.ZERO;
        return new BreakerState(scope, id, backend, family, phase, consecutiveFailures, gate.getFailureCount(),
                gate.getSuccessCount(), gate.getExecutionCount(), retryIn);
    }

    BreakerHistory history() {
        return journal.history(scope, id, backend);
    }
}
