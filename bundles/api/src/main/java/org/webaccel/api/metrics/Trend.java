package org.webaccel.api.metrics;

import org.webaccel.api.ExecutionProvider;

/**
 * The verdict of comparing a recent window of total latencies with a baseline window, for one model on one
 * backend and execution provider. A trend is called ({@link #significant()}) only when both the Mann-Whitney U
 * test and Welch's t-test reject "no difference" at the store's significance level, both agree on the
 * direction, and the median changed by at least the store's minimum effect; otherwise the direction is
 * {@link Direction#STABLE} and the severity {@link Severity#NONE}, whatever the numbers suggest.
 *
 * @param model the model name
 * @param version the model version
 * @param backend the backend
 * @param executionProvider the execution provider
 * @param direction improving (faster), stable, or degrading (slower)
 * @param baselineCount successful samples in the baseline window
 * @param recentCount successful samples in the recent window
 * @param baselineMedianMs median total latency in the baseline window
 * @param recentMedianMs median total latency in the recent window
 * @param percentChange change of the median from baseline to recent, in percent (positive = slower)
 * @param mannWhitneyP two-sided p-value of the Mann-Whitney U test, {@code NaN} with too few samples
 * @param welchP two-sided p-value of Welch's t-test, {@code NaN} with too few samples
 * @param slopeMsPerHour least-squares slope of latency over time across both windows
 * @param slopeP p-value of that slope being non-zero
 * @param severity how large a called trend is
 * @param significant true when the trend was called
 */
public record Trend(String model, String version, String backend, ExecutionProvider executionProvider,
        Direction direction, int baselineCount, int recentCount, double baselineMedianMs, double recentMedianMs,
        double percentChange, double mannWhitneyP, double welchP, double slopeMsPerHour, double slopeP,
        Severity severity, boolean significant) {

    /** Which way latency moved. */
    public enum Direction {
        /** latency fell */
        IMPROVING,
        /** no change that passed the tests */
        STABLE,
        /** latency rose */
        DEGRADING
    }

    /** How large a called trend is; {@link #NONE} when no trend was called. */
    public enum Severity {
        /** no trend called */
        NONE,
        /** below the store's major threshold */
        MINOR,
        /** at least the major threshold */
        MAJOR,
        /** at least the critical threshold */
        CRITICAL
    }
}
