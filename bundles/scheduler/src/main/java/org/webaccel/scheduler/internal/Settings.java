package org.webaccel.scheduler.internal;

import java.time.Duration;

/**
 * Everything the default policy is configured with, checked once at activation.
 *
 * @param memoryBudgetBytes per-browser resident memory above which a worker is excluded; 0 or less: no budget
 * @param affinity the model-type affinity table
 * @param affinityWeight points for a full affinity match
 * @param providerMatchFraction share of {@code affinityWeight} when only the provider matches
 * @param wasmFallbackPoints points for wasm when the table prefers something else
 * @param historyWeight points for the fastest measured key at full confidence
 * @param minSamples successful samples a key needs before its history counts
 * @param confidenceSamples k of the sample confidence n/(n+k)
 * @param gapFraction relative gap to the fastest median at which a slower key takes its full penalty
 * @param loadWeight points for a browser with no busy page
 * @param loadedWeight points for a page that holds the model's session on the provider
 * @param healthWeight points for health score 100
 * @param historyWindow how far back the medians are read
 * @param historyRefresh how often they are read
 */
record Settings(long memoryBudgetBytes, AffinityTable affinity, double affinityWeight, double providerMatchFraction,
        double wasmFallbackPoints, double historyWeight, int minSamples, int confidenceSamples, double gapFraction,
        double loadWeight, double loadedWeight, double healthWeight, Duration historyWindow,
        Duration historyRefresh) {

    static final long MIB = 1024L * 1024L;

    Settings {
        nonNegative("affinityWeight", affinityWeight);
        nonNegative("wasmFallbackPoints", wasmFallbackPoints);
        nonNegative("historyWeight", historyWeight);
        nonNegative("loadWeight", loadWeight);
        nonNegative("loadedWeight", loadedWeight);
        nonNegative("healthWeight", healthWeight);
        if (!(providerMatchFraction >= 0 && providerMatchFraction <= 1)) {
            throw new IllegalArgumentException("providerMatchFraction must be within 0-1; got "
                    + providerMatchFraction);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be at least 1; got " + minSamples);
        }
        if (confidenceSamples < 0) {
            throw new IllegalArgumentException("confidenceSamples must not be negative; got " + confidenceSamples);
        }
        if (!(gapFraction > 0)) {
            throw new IllegalArgumentException("gapPercent must be above 0; got " + gapFraction * 100);
        }
        if (historyWindow.isNegative() || historyWindow.isZero()) {
            throw new IllegalArgumentException("historyWindowSeconds must be above 0; got "
                    + historyWindow.toSeconds());
        }
        if (historyRefresh.isNegative() || historyRefresh.isZero()) {
            throw new IllegalArgumentException("historyRefreshSeconds must be above 0; got "
                    + historyRefresh.toSeconds());
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number of at least 0; got " + value);
        }
    }

    static Settings from(SchedulerConfig c) {
        return new Settings(c.memoryBudgetMegabytes() * MIB, AffinityTable.parse(c.affinity()), c.affinityWeight(),
                c.providerMatchFraction(), c.wasmFallbackPoints(), c.historyWeight(), c.minSamples(),
                c.confidenceSamples(), c.gapPercent() / 100, c.loadWeight(), c.loadedWeight(), c.healthWeight(),
                Duration.ofSeconds(c.historyWindowSeconds()), Duration.ofSeconds(c.historyRefreshSeconds()));
    }
}
