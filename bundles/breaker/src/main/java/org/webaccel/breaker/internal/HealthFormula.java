package org.webaccel.breaker.internal;

import org.webaccel.api.health.HealthScore;
import org.webaccel.api.health.Scope;

/**
 * The health score: {@code score = round(100 - E - L - C - D - M)}, kept within 0-100, where
 * <ul>
 * <li>{@code E = 40 * errorRate}: counted failures over the last window of outcomes (the breaker's
 * failure-rate window);</li>
 * <li>{@code L = 20 * clamp((latencyRatio - 1) / 3)}: the running mean of latency over the model's baseline, so
 * no penalty at or below the baseline and the full penalty at four times it;</li>
 * <li>{@code C = 20 * clamp(consecutiveFailures / breakerThreshold)}: full when the breaker's consecutive
 * threshold is reached;</li>
 * <li>{@code D = 10 * clamp(recentDrops / 3)}: connection drops within the drop window, full at three;</li>
 * <li>{@code M = 10 * clamp((memory - low) / (high - low))}: the last memory reading between the configured low
 * and high marks;</li>
 * </ul>
 * and {@code clamp} keeps a value within 0-1. The ceilings add up to 100, so a subject at every ceiling scores 0.
 */
final class HealthFormula {

    static final double ERROR_WEIGHT = 40;
    static final double LATENCY_WEIGHT = 20;
    static final double LATENCY_FULL_RATIO = 4.0;
    static final double STREAK_WEIGHT = 20;
    static final double DROP_WEIGHT = 10;
    static final int DROPS_FOR_FULL_PENALTY = 3;
    static final double MEMORY_WEIGHT = 10;

    private HealthFormula() {
    }

    static HealthScore score(Scope scope, String id, HealthTracker.Measurements m, int consecutiveThreshold,
            long memoryLowBytes, long memoryHighBytes) {
        double e = ERROR_WEIGHT * clamp(m.errorRate());
        double l = LATENCY_WEIGHT * clamp((m.latencyRatio() - 1) / (LATENCY_FULL_RATIO - 1));
        double c = STREAK_WEIGHT * clamp((double) m.consecutiveFailures() / consecutiveThreshold);
        double d = DROP_WEIGHT * clamp((double) m.recentDrops() / DROPS_FOR_FULL_PENALTY);
        double mem = MEMORY_WEIGHT
                * clamp((double) (m.memoryBytes() - memoryLowBytes) / (memoryHighBytes - memoryLowBytes));
        int score = (int) Math.round(Math.max(0, Math.min(100, 100 - e - l - c - d - mem)));
        return new HealthScore(scope, id, score, m.errorRate(), m.latencyRatio(), m.consecutiveFailures(),
                m.recentDrops(), m.memoryBytes(), e, l, c, d, mem);
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }
}
