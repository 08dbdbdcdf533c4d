package org.webaccel.api.health;

/**
 * A health score from 0 (unusable) to 100 (healthy), with the parts it was computed from. The score is 100
 * minus the five penalties, rounded and kept within 0-100; each penalty has its own ceiling (40, 20, 20, 10
 * and 10), so the ceilings add up to 100. The bundle that implements {@link HealthMonitor} documents how
 * each penalty follows from its measurement.
 *
 * @param scope whether this is a worker's or a backend's score
 * @param id the worker id, or the backend name
 * @param score 0-100, higher is healthier
 * @param errorRate counted failures over recent outcomes, 0-1
 * @param latencyRatio recent latency relative to the model's baseline (1 = as fast as usual)
 * @param consecutiveFailures counted failures since the last success
 * @param recentDrops connection drops within the recent window
 * @param memoryBytes the last memory reading (for a backend: the highest among its workers), or 0 if none
 * @param errorPenalty points taken for the error rate, 0-40
 * @param latencyPenalty points taken for latency over the baseline, 0-20
 * @param failurePenalty points taken for consecutive failures, 0-20
 * @param dropPenalty points taken for connection drops, 0-10
 * @param memoryPenalty points taken for memory use, 0-10
 */
public record HealthScore(Scope scope, String id, int score, double errorRate, double latencyRatio,
        int consecutiveFailures, int recentDrops, long memoryBytes, double errorPenalty, double latencyPenalty,
        double failurePenalty, double dropPenalty, double memoryPenalty) {
}
