package org.webaccel.breaker.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent history of one worker or backend that its health score is computed from: the last outcomes, the
 * current failure streak, latency relative to the baseline, connection drops and the last memory reading.
 */
final class HealthTracker {

    /** Weight of the newest latency ratio in the running mean: about the last ten calls matter. */
    static final double LATENCY_ALPHA = 0.2;

    private final boolean[] failed;
    private int outcomes;
    private int next;
    private int failures;
    private int consecutiveFailures;
    private double latencyRatio = 1.0;
    private boolean latencySeen;
    private final Deque<Instant> drops = new ArrayDeque<>();
    private long memoryBytes;

    HealthTracker(int window) {
        this.failed = new boolean[window];
    }

    synchronized void success(double ratio) {
        outcome(false);
        consecutiveFailures = 0;
        latencyRatio = latencySeen ? LATENCY_ALPHA * ratio + (1 - LATENCY_ALPHA) * latencyRatio : ratio;
        latencySeen = true;
    }

    synchronized void failure() {
        outcome(true);
        consecutiveFailures++;
    }

    private void outcome(boolean failure) {
        if (outcomes == failed.length && failed[next]) {
            failures--;
        }
        failed[next] = failure;
        if (failure) {
            failures++;
        }
        next = (next + 1) % failed.length;
        outcomes = Math.min(outcomes + 1, failed.length);
    }

    synchronized void drop(Instant at) {
        drops.addLast(at);
    }

    synchronized void memory(long bytes) {
        memoryBytes = bytes;
    }

    synchronized long memoryBytes() {
        return memoryBytes;
    }

    /** @return the measurements as of {@code now}, forgetting drops older than {@code dropWindow} */
    synchronized Measurements measure(Instant now, Duration dropWindow) {
        Instant oldest = now.minus(dropWindow);
        while (!drops.isEmpty() && drops.peekFirst().isBefore(oldest)) {
            drops.removeFirst();
        }
        double errorRate = outcomes == 0 ? 0.0 : (double) failures / outcomes;
        return new Measurements(errorRate, latencyRatio, consecutiveFailures, drops.size(), memoryBytes);
    }

    /** What a health score is computed from. */
    record Measurements(double errorRate, double latencyRatio, int consecutiveFailures, int recentDrops,
            long memoryBytes) {

        Measurements withMemory(long bytes) {
            return new Measurements(errorRate, latencyRatio, consecutiveFailures, recentDrops, bytes);
        }
    }
}
