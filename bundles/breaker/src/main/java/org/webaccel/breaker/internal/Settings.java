package org.webaccel.breaker.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the monitor is configured with: default thresholds, per-family overrides, the health score's
 * memory and drop scales, and how much history each breaker keeps.
 */
record Settings(Thresholds defaults, Map<String, Thresholds> families, Duration dropWindow, long memoryLowBytes,
        long memoryHighBytes, int historyTransitions, int historyFailures) {

    private static final long MIB = 1024L * 1024L;
    /** The most entries of each kind a breaker keeps: a bound on memory, as there is a breaker per worker. */
    static final int HISTORY_LIMIT = 1000;

    Settings {
        families = Map.copyOf(families);
        within("historyTransitions", historyTransitions);
        within("historyFailures", historyFailures);
        if (memoryHighBytes <= memoryLowBytes) {
            throw new IllegalArgumentException("memoryHighMegabytes (" + memoryHighBytes / MIB
                    + ") must be above memoryLowMegabytes (" + memoryLowBytes / MIB + ")");
        }
    }

    /** The history's defaults, for callers that do not set it. */
    Settings(Thresholds defaults, Map<String, Thresholds> families, Duration dropWindow, long memoryLowBytes,
            long memoryHighBytes) {
        this(defaults, families, dropWindow, memoryLowBytes, memoryHighBytes, 32, 16);
    }

    private static void within(String name, int value) {
        if (value < 1 || value > HISTORY_LIMIT) {
            throw new IllegalArgumentException(name + " must be 1-" + HISTORY_LIMIT + "; got " + value);
        }
    }

    /** @return the thresholds for a family (or backend name), the defaults where none are overridden */
    Thresholds thresholds(String family) {
        return families.getOrDefault(family, defaults);
    }

    static Settings from(BreakerConfig config) {
        Thresholds defaults = new Thresholds(config.consecutiveFailures(), config.failureRatePercent(),
                config.failureRateWindow(), config.backendConsecutiveFailures(), config.backendFailureRateWindow(),
                Duration.ofMillis(config.openDelayMillis()), config.halfOpenTrials(),
                Duration.ofMillis(config.slowCallMillis()));
        return new Settings(defaults, parseOverrides(defaults, config.familyOverrides()),
                Duration.ofSeconds(config.dropWindowSeconds()), config.memoryLowMegabytes() * MIB,
                config.memoryHighMegabytes() * MIB, config.historyTransitions(), config.historyFailures());
    }

    /** Parses entries of the form {@code family:setting=value}; later entries of one family build on earlier. */
    static Map<String, Thresholds> parseOverrides(Thresholds defaults, String... entries) {
        Map<String, Thresholds> families = new HashMap<>();
        for (String entry : entries == null ? new String[0] : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            int equals = entry.indexOf('=', colon + 1);
            if (colon <= 0 || equals < 0) {
                throw new IllegalArgumentException("family override '" + entry
                        + "' must read 'family:setting=value', e.g. 'firefox:openDelayMillis=60000'");
            }
            String family = entry.substring(0, colon).trim();
            try {
                families.put(family, families.getOrDefault(family, defaults)
                        .with(entry.substring(colon + 1, equals), entry.substring(equals + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("family override '" + entry + "': " + e.getMessage(), e);
            }
        }
        return families;
    }
}
