package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.Trend.Direction;
import org.webaccel.api.metrics.Trend.Severity;

public class TrendAnalyzerTest {
    private static final long HOUR = 3_600_000L;

    /** Log-normal latencies around {@code medianMs}, spread like a busy page (sigma 0.2). */
    static TrendAnalyzer.Series series(Random rnd, int n, double medianMs, long startMs, long spanMs) {
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = startMs + spanMs * i / n;
            v[i] = medianMs * Math.exp(0.2 * rnd.nextGaussian());
        }
        return new TrendAnalyzer.Series(t, v);
    }

    private static TrendAnalyzer analyzer(double alpha, double minEffect) {
        return new TrendAnalyzer(new TrendAnalyzer.Thresholds(alpha, minEffect, 20, 50, 20));
    }

    private static TrendAnalyzer.Verdict compare(TrendAnalyzer a, long seed, double baseMs, double recentMs, int n) {
        Random rnd = new Random(seed);
        return a.analyze(series(rnd, n, baseMs, 0, 7 * 24 * HOUR), series(rnd, n, recentMs, 7 * 24 * HOUR, 24 * HOUR));
    }

    @Test
    public void aKnownSlowdownIsCalledDegradingEveryTime() {
        TrendAnalyzer a = analyzer(0.01, 5);
        for (long seed = 1; seed <= 50; seed++) {
            TrendAnalyzer.Verdict v = compare(a, seed, 100, 125, 150);
            assertTrue("seed " + seed + ": " + v, v.significant());
            assertEquals(Direction.DEGRADING, v.direction());
            assertTrue(v.percentChange() > 10 && v.percentChange() < 40);
            assertTrue("slope should rise: " + v, v.slopePerHour() > 0 && v.slopeP() < 0.01);
            assertNotEquals(Severity.NONE, v.severity());
        }
    }

    @Test
    public void aKnownSpeedupIsCalledImproving() {
        TrendAnalyzer a = analyzer(0.01, 5);
        for (long seed = 1; seed <= 50; seed++) {
            TrendAnalyzer.Verdict v = compare(a, seed, 100, 60, 150);
            assertTrue("seed " + seed + ": " + v, v.significant());
            assertEquals(Direction.IMPROVING, v.direction());
            assertEquals(Severity.MAJOR, v.severity());
        }
    }

    @Test
    public void severityFollowsTheSizeOfTheChange() {
        TrendAnalyzer a = analyzer(0.01, 5);
        assertEquals(Severity.MINOR, compare(a, 7, 100, 110, 2000).severity());
        assertEquals(Severity.MAJOR, compare(a, 7, 100, 130, 200).severity());
        assertEquals(Severity.CRITICAL, compare(a, 7, 100, 200, 200).severity());
    }

    /**
     * Both tests must reject at alpha, so on series without a trend at most about alpha of them may be called.
     * Checked without the effect-size floor (the tests alone) and with it.
     */
    @Test
    public void nullSeriesAreRarelyCalled() {
        for (double alpha : new double[] {0.01, 0.05}) {
            int calledByTests = 0;
            int calledWithEffectFloor = 0;
            for (long seed = 1000; seed < 1200; seed++) {
                if (compare(analyzer(alpha, 0), seed, 100, 100, 150).significant()) {
                    calledByTests++;
                }
                if (compare(analyzer(alpha, 5), seed, 100, 100, 150).significant()) {
                    calledWithEffectFloor++;
                }
            }
            // expected at most 200 * alpha; the margin absorbs the spread of a binomial count over 200 series
            int limit = (int) Math.ceil(200 * alpha * 1.6) + 2;
            assertTrue("alpha " + alpha + ": " + calledByTests + " of 200 null series called, limit " + limit,
                    calledByTests <= limit);
            assertTrue("alpha " + alpha + ": " + calledWithEffectFloor + " called with the effect floor",
                    calledWithEffectFloor <= calledByTests);
        }
    }

    @Test
    public void aSignificantButTinyChangeIsNotCalled() {
        // 2% shift with 5000 samples per window: both tests reject, but it is below the 5% floor
        TrendAnalyzer.Verdict v = compare(analyzer(0.01, 5), 3, 100, 102, 5000);
        assertTrue("the tests should see it: " + v, v.mannWhitneyP() < 0.01 && v.welchP() < 0.01);
        assertFalse(v.significant());
        assertEquals(Direction.STABLE, v.direction());
        assertEquals(Severity.NONE, v.severity());
    }

    @Test
    public void tooFewSamplesGiveNoVerdict() {
        TrendAnalyzer.Verdict v = compare(analyzer(0.01, 5), 3, 100, 300, 10);
        assertFalse(v.significant());
        assertEquals(Direction.STABLE, v.direction());
        assertTrue(Double.isNaN(v.mannWhitneyP()));
        assertEquals(10, v.recentCount());
    }

    /** Outcomes as the errors metric samples them: 100 for a failure, 0 for a success. */
    private static TrendAnalyzer.Series outcomes(Random rnd, int n, double failureRate, long startMs) {
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = startMs + i * 1000L;
            v[i] = rnd.nextDouble() < failureRate ? 100 : 0;
        }
        return new TrendAnalyzer.Series(t, v);
    }

    @Test
    public void errorsAreJudgedByTheirRateInPercentagePoints() {
        TrendAnalyzer a = analyzer(0.01, 5);
        Random rnd = new Random(5);
        TrendAnalyzer.Verdict small = a.analyze(Metric.ERRORS,
                outcomes(rnd, 5000, 0.01, 0), outcomes(rnd, 5000, 0.03, 7 * 24 * HOUR));
        assertTrue("both tests see it: " + small, small.mannWhitneyP() < 0.01 && small.welchP() < 0.01);
        assertEquals("2 points is below the 5-point minimum effect", Direction.STABLE, small.direction());
        assertFalse(small.significant());
        assertEquals(2, small.percentChange(), 0.7);

        TrendAnalyzer.Verdict large = a.analyze(Metric.ERRORS,
                outcomes(rnd, 500, 0.01, 0), outcomes(rnd, 500, 0.12, 7 * 24 * HOUR));
        assertTrue(large.toString(), large.significant());
        assertEquals(Direction.DEGRADING, large.direction());
        assertEquals("the recent rate, in percent", 12, large.recentMedian(), 3);
    }

    @Test
    public void moreThroughputIsAnImprovementAndLessADegradation() {
        TrendAnalyzer a = analyzer(0.01, 5);
        Random rnd = new Random(9);
        TrendAnalyzer.Series slow = series(rnd, 100, 2.0, 0, 7 * 24 * HOUR);
        TrendAnalyzer.Series fast = series(rnd, 100, 3.0, 7 * 24 * HOUR, 24 * HOUR);
        assertEquals(Direction.IMPROVING, a.analyze(Metric.THROUGHPUT, slow, fast).direction());
        assertEquals(Direction.DEGRADING, a.analyze(Metric.THROUGHPUT, fast, slow).direction());
        assertEquals("the same samples as latency: slower", Direction.DEGRADING, a.analyze(slow, fast).direction());
    }
}
