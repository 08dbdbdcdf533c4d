package org.webaccel.breaker.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The usual latency of each model key over all workers: an exponentially weighted mean with weight
 * {@value #ALPHA} for the newest call, so it follows slow drifts but not one slow worker.
 */
final class LatencyBaselines {

    static final double ALPHA = 0.1;

    private final ConcurrentMap<String, double[]> meansNanos = new ConcurrentHashMap<>();

    /**
     * Compares a latency with its model's baseline and then folds it into the baseline.
     *
     * @return latency divided by the baseline before this call; 1 for a model's first call
     */
    double ratioThenUpdate(String model, Duration latency) {
        double nanos = Math.max(1, latency.toNanos());
        double[] mean = meansNanos.computeIfAbsent(model, m -> new double[] {Double.NaN});
        synchronized (mean) {
            if (Double.isNaN(mean[0])) {
                mean[0] = nanos;
                return 1.0;
            }
            double ratio = nanos / mean[0];
            mean[0] = ALPHA * nanos + (1 - ALPHA) * mean[0];
            return ratio;
        }
    }
}
