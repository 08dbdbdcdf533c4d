package org.webaccel.api.metrics;

import org.webaccel.api.ExecutionProvider;

/**
 * The verdict of comparing a recent window of one {@link Metric} with a baseline window, for one model on one
 * backend and execution provider. A trend is called ({@link #significant()}) only when both the Mann-Whitney U
 * test and Welch's t-test reject "no difference" at the store's significance level, both agree on the
 * direction, and the median changed by at least the store's minimum effect; otherwise the direction is
 * {@link Direction#STABLE} and the severity {@link Severity#NONE}, whatever the numbers suggest.
 * <p>
 * The fields named after milliseconds hold values in the metric's {@link Metric#unit() unit} (they were
 * named when latency was the only metric). For {@link Metric#ERRORS} the "medians" are the windows' error
 * rates (their means) in percent, and {@code percentChange} is the change in percentage points.
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
 * @param metric what was compared (since 1.2)
 */
public record Trend(String model, String version, String backend, ExecutionProvider executionProvider,
        Direction direction, int baselineCount, int recentCount, double baselineMedianMs, double recentMedianMs,
        double percentChange, double mannWhitneyP, double welchP, double slopeMsPerHour, double slopeP,
        Severity severity, boolean significant, Metric metric) {

    /** Checks the metric. */
    public Trend {
        java.util.Objects.requireNonNull(metric, "metric");
    }

    /**
     * A latency trend; the parameters are those of the canonical constructor without {@code metric}.
     */
    public Trend(String model, String version, String backend, ExecutionProvider executionProvider,
            Direction direction, int baselineCount, int recentCount, double baselineMedianMs, double recentMedianMs,
            double percentChange, double mannWhitneyP, double welchP, double slopeMsPerHour, double slopeP,
            Severity severity, boolean significant) {
        this(model, version, backend, executionProvider, direction, baselineCount, recentCount, baselineMedianMs,
                recentMedianMs, percentChange, mannWhitneyP, welchP, slopeMsPerHour, slopeP, severity, significant,
                Metric.LATENCY);
    }

    /** Which way the metric moved, judged by whether the move is good ({@link Metric#higherIsBetter()}). */
    public enum Direction {
        /** the metric moved the good way: latency, errors, memory or loading time fell, throughput rose */
        IMPROVING,
        /** no change that passed the tests */
        STABLE,
        /** the metric moved the bad way */
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
