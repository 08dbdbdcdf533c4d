package org.webaccel.metrics.internal;

import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.Trend.Direction;
import org.webaccel.api.metrics.Trend.Severity;

/**
 * Judges whether a metric (latency, throughput, errors, memory, loading time) moved between a baseline window
 * and a recent window, each by the same rule. Samples are skewed and noisy, so a trend is called only when a
 * rank test (Mann-Whitney U, robust to outliers) and a test of means (Welch's t, unequal variances) both
 * reject "no difference" at {@code alpha}, agree on the direction, and the median (for errors: the rate) moved
 * by at least the minimum effect: significance without size is noise at large n, size without significance is
 * noise at small n.
 */
final class TrendAnalyzer {

    /**
     * @param alpha significance level each test must reach
     * @param minEffectPercent smallest change of the median, in percent, that is called
     * @param majorPercent change from which a trend is MAJOR
     * @param criticalPercent change from which a trend is CRITICAL
     * @param minSamples fewest samples per window for any verdict but STABLE
     */
    record Thresholds(double alpha, double minEffectPercent, double majorPercent, double criticalPercent,
            int minSamples) {
        Thresholds {
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1); got " + alpha);
            }
            if (minSamples < 3) {
                throw new IllegalArgumentException("minSamples must be at least 3; got " + minSamples);
            }
        }
    }

    /** Samples of one window: times in epoch milliseconds and values in the metric's unit. */
    record Series(long[] times, double[] values) {
        Series {
            if (times.length != values.length) {
                throw new IllegalArgumentException(times.length + " times for " + values.length + " values");
            }
        }

        int size() {
            return values.length;
        }
    }

    /** What the tests found; see {@link org.webaccel.api.metrics.Trend} for the fields. */
    record Verdict(Direction direction, int baselineCount, int recentCount, double baselineMedian,
            double recentMedian, double percentChange, double mannWhitneyP, double welchP, double slopePerHour,
            double slopeP, Severity severity, boolean significant) {
    }

    private final Thresholds thresholds;

    TrendAnalyzer(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** @return the latency verdict */
    Verdict analyze(Series baseline, Series recent) {
        return analyze(Metric.LATENCY, baseline, recent);
    }

    /**
     * @param metric what the samples are of: which way is better, and how the change is measured (relative
     *        change of the median; for errors, whose median is mostly 0, the change of the rate in points)
     * @param baseline the samples of the baseline window
     * @param recent the samples of the recent window
     * @return the verdict
     */
    Verdict analyze(Metric metric, Series baseline, Series recent) {
        int nb = baseline.size();
        int nr = recent.size();
        boolean rate = metric == Metric.ERRORS;
        double mb = center(rate, baseline.values());
        double mr = center(rate, recent.values());
        double pct = rate ? mr - mb : mb > 0 ? (mr - mb) / mb * 100.0 : Double.NaN;
        if (nb < thresholds.minSamples() || nr < thresholds.minSamples()) {
            return new Verdict(Direction.STABLE, nb, nr, mb, mr, pct, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Severity.NONE, false);
        }
        double mwP = RankSumTest.p(baseline.values(), recent.values());
        double welchP = welchP(baseline.values(), recent.values());
        double[] slope = slope(baseline, recent);
        double meanShift = StatUtils.mean(recent.values()) - StatUtils.mean(baseline.values());
        boolean agree = Math.signum(meanShift) == Math.signum(mr - mb);
        boolean significant = mwP < thresholds.alpha() && welchP < thresholds.alpha() && agree
                && Math.abs(pct) >= thresholds.minEffectPercent();
        boolean better = metric.higherIsBetter() ? pct > 0 : pct < 0;
        Direction direction = !significant ? Direction.STABLE : better ? Direction.IMPROVING : Direction.DEGRADING;
        return new Verdict(direction, nb, nr, mb, mr, pct, mwP, welchP, slope[0], slope[1],
                significant ? severity(Math.abs(pct)) : Severity.NONE, significant);
    }

    private static double center(boolean mean, double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        return mean ? StatUtils.mean(values) : new Median().evaluate(values);
    }

    private Severity severity(double absPercent) {
        if (absPercent >= thresholds.criticalPercent()) {
            return Severity.CRITICAL;
        }
        return absPercent >= thresholds.majorPercent() ? Severity.MAJOR : Severity.MINOR;
    }

    /** Welch's two-sided p; NaN when both windows are constant, where the test is undefined. */
    private static double welchP(double[] a, double[] b) {
        if (StatUtils.variance(a) == 0 && StatUtils.variance(b) == 0) {
            return Double.NaN;
        }
        return new TTest().tTest(a, b);
    }

    /** @return slope in ms per hour over both windows and its p-value (NaN when time does not vary) */
    private static double[] slope(Series baseline, Series recent) {
        SimpleRegression r = new SimpleRegression();
        long origin = Math.min(min(baseline.times()), min(recent.times()));
        add(r, baseline, origin);
        add(r, recent, origin);
        double s = r.getSlope();
        double p = Double.isNaN(s) ? Double.NaN : r.getSignificance();
        return new double[] {s, p};
    }

    private static void add(SimpleRegression r, Series s, long origin) {
        for (int i = 0; i < s.size(); i++) {
            r.addData((s.times()[i] - origin) / 3_600_000.0, s.values()[i]);
        }
    }

    private static long min(long[] xs) {
        long m = Long.MAX_VALUE;
        for (long x : xs) {
            m = Math.min(m, x);
        }
        return m;
    }
}
