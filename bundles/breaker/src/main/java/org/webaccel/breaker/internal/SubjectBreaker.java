package org.webaccel.breaker.internal;

import java.time.Duration;

import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.BreakerState.Phase;
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
 * All state transitions, the open delay and the half-open permits are Failsafe's.
 */
final class SubjectBreaker {

    private final Scope scope;
    private final String id;
    private final String backend;
    private final String family;
    private final Duration slowCall;
    private final CircuitBreaker<Object> gate;
    private final CircuitBreaker<Object> streak;
    private int consecutiveFailures;

    SubjectBreaker(Scope scope, String id, String backend, String family, int consecutive, int ratePercent,
            int window, Thresholds thresholds) {
        this.scope = scope;
        this.id = id;
        this.backend = backend;
        this.family = family;
        this.slowCall = thresholds.slowCall();
        // "at least ratePercent of the window": 50% of 20 opens at the 10th failure among the last 20
        int rateFailures = Math.max(1, (int) Math.ceil(window * ratePercent / 100.0));
        this.gate = CircuitBreaker.builder()
                .withFailureThreshold(rateFailures, window)
                .withDelay(thresholds.openDelay())
                .withSuccessThreshold(thresholds.halfOpenTrials())
                .build();
        this.streak = CircuitBreaker.builder()
                .withFailureThreshold(consecutive)
                .withDelay(thresholds.openDelay())
                .build();
    }

    /** Takes a call: always while closed, a trial call while half-open and trials are left, never while open. */
    synchronized boolean tryAcquire() {
        return gate.tryAcquirePermit();
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
            gate.open();
            gate.halfOpen();
        }
    }

    synchronized void success(Duration latency) {
        if (!slowCall.isZero() && latency.compareTo(slowCall) >= 0) {
            failure();
            return;
        }
        consecutiveFailures = 0;
        boolean wasClosed = gate.isClosed();
        gate.recordSuccess();
        if (wasClosed) {
            streak.recordSuccess();
        }
    }

    synchronized void failure() {
        consecutiveFailures++;
        boolean wasClosed = gate.isClosed();
        gate.recordFailure();
        if (wasClosed && gate.isClosed()) {
            streak.recordFailure();
            if (streak.isOpen()) {
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
        Phase phase = switch (gate.getState()) {
            case CLOSED -> Phase.CLOSED;
            case OPEN -> Phase.OPEN;
            case HALF_OPEN -> Phase.HALF_OPEN;
        };
        Duration retryIn = phase == Phase.OPEN ? gate.getRemainingDelay() : Duration.ZERO;
        return new BreakerState(scope, id, backend, family, phase, consecutiveFailures, gate.getFailureCount(),
                gate.getSuccessCount(), gate.getExecutionCount(), retryIn);
    }
}
