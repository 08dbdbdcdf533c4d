package org.webaccel.breaker.internal;

import java.time.Duration;

/**
 * The breaker settings for one browser family.
 *
 * @param consecutiveFailures a worker's breaker opens after this many consecutive failures
 * @param failureRatePercent ... or when this share of its last {@code failureRateWindow} outcomes failed
 * @param failureRateWindow outcomes in a worker's rate window
 * @param backendConsecutiveFailures a backend's breaker opens after this many consecutive failures
 * @param backendFailureRateWindow outcomes in a backend's rate window
 * @param openDelay how long an open breaker refuses calls
 * @param halfOpenTrials trial calls a half-open breaker admits
 * @param slowCall a completed call at least this slow counts as a failure; zero never
 */
record Thresholds(int consecutiveFailures, int failureRatePercent, int failureRateWindow,
        int backendConsecutiveFailures, int backendFailureRateWindow, Duration openDelay, int halfOpenTrials,
        Duration slowCall) {

    Thresholds {
        positive("consecutiveFailures", consecutiveFailures);
        positive("failureRateWindow", failureRateWindow);
        positive("backendConsecutiveFailures", backendConsecutiveFailures);
        positive("backendFailureRateWindow", backendFailureRateWindow);
        positive("halfOpenTrials", halfOpenTrials);
        if (failureRatePercent < 1 || failureRatePercent > 100) {
            throw new IllegalArgumentException("failureRatePercent must be 1-100; got " + failureRatePercent);
        }
        if (openDelay.isNegative() || openDelay.isZero()) {
            throw new IllegalArgumentException("openDelayMillis must be positive; got " + openDelay.toMillis());
        }
        if (slowCall.isNegative()) {
            throw new IllegalArgumentException("slowCallMillis must be 0 (never) or positive; got "
                    + slowCall.toMillis());
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1; got " + value);
        }
    }

    /** @return these thresholds with one setting replaced, as named in the configuration */
    Thresholds with(String setting, String value) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + setting + "' needs a whole number; got '" + value + "'");
        }
        int i = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        switch (setting.trim()) {
            case "consecutiveFailures":
                return new Thresholds(i, failureRatePercent, failureRateWindow, backendConsecutiveFailures,
                        backendFailureRateWindow, openDelay, halfOpenTrials, slowCall);
            case "failureRatePercent":
                return new Thresholds(consecutiveFailures, i, failureRateWindow, backendConsecutiveFailures,
                        backendFailureRateWindow, openDelay, halfOpenTrials, slowCall);
            case "failureRateWindow":
                return new Thresholds(consecutiveFailures, failureRatePercent, i, backendConsecutiveFailures,
                        backendFailureRateWindow, openDelay, halfOpenTrials, slowCall);
            case "backendConsecutiveFailures":
                return new Thresholds(consecutiveFailures, failureRatePercent, failureRateWindow, i,
                        backendFailureRateWindow, openDelay, halfOpenTrials, slowCall);
            case "backendFailureRateWindow":
                return new Thresholds(consecutiveFailures, failureRatePercent, failureRateWindow,
                        backendConsecutiveFailures, i, openDelay, halfOpenTrials, slowCall);
            case "openDelayMillis":
                return new Thresholds(consecutiveFailures, failureRatePercent, failureRateWindow,
                        backendConsecutiveFailures, backendFailureRateWindow, Duration.ofMillis(v), halfOpenTrials,
                        slowCall);
            case "halfOpenTrials":
                return new Thresholds(consecutiveFailures, failureRatePercent, failureRateWindow,
                        backendConsecutiveFailures, backendFailureRateWindow, openDelay, i, slowCall);
            case "slowCallMillis":
                return new Thresholds(consecutiveFailures, failureRatePercent, failureRateWindow,
                        backendConsecutiveFailures, backendFailureRateWindow, openDelay, halfOpenTrials,
                        Duration.ofMillis(v));
            default:
                throw new IllegalArgumentException("unknown setting '" + setting + "'; one of consecutiveFailures, "
                        + "failureRatePercent, failureRateWindow, backendConsecutiveFailures, "
                        + "backendFailureRateWindow, openDelayMillis, halfOpenTrials, slowCallMillis");
        }
    }
}
