package org.webaccel.metrics.internal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The metrics store's configuration as plain values, so the store can be built without the framework.
 */
record Settings(Path database, int bufferCapacity, int batchSize, Duration flushInterval, int retentionDays,
        TrendAnalyzer.Thresholds thresholds, int maxSamples, Duration trendRecent, Duration trendBaseline,
        Duration recommendationWindow, double maxErrorRate) {

    Settings {
        if (bufferCapacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("bufferCapacity and batchSize must be at least 1; got "
                    + bufferCapacity + " and " + batchSize);
        }
    }

    /**
     * @param c the component configuration
     * @param home the folder a relative database path is resolved against
     */
    static Settings of(MetricsConfig c, Path home) {
        Path db = Path.of(c.database());
        if (!db.isAbsolute()) {
            db = home.resolve(db);
        }
        return new Settings(db.toAbsolutePath().normalize(), c.bufferCapacity(), c.batchSize(),
                Duration.ofMillis(Math.max(10, c.flushIntervalMillis())), c.retentionDays(),
                new TrendAnalyzer.Thresholds(c.alpha(), c.minEffectPercent(), c.majorPercent(),
                        c.criticalPercent(), c.minSamples()),
                c.maxSamples(), Duration.ofHours(c.trendRecentHours()), Duration.ofHours(c.trendBaselineHours()),
                Duration.ofHours(c.recommendationWindowHours()), c.maxErrorRate());
    }

    /** @return the folder named by system property {@code webaccel.home}, else the working directory */
    static Path home() {
        String h = System.getProperty("webaccel.home");
        return Path.of(h == null || h.isBlank() ? "." : h);
    }
}
