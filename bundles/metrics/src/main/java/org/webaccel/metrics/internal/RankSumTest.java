package org.webaccel.metrics.internal;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The two-sided Mann-Whitney U test by its normal approximation, with the variance corrected for ties.
 * commons-math3's {@code MannWhitneyUTest} leaves the tie correction out, which is harmless for latencies
 * (almost no ties) but makes the test blind to samples that are mostly ties, such as the errors metric's
 * 0/100 outcomes: 1 % against 3 % failures over 5,000 inferences each gives p = 0.1 without the correction and
 * p < 1e-6 with it. Ranks and the normal distribution come from commons-math3.
 */
final class RankSumTest {
    private static final NormalDistribution STANDARD = new NormalDistribution(null, 0, 1);

    private RankSumTest() {
    }

    /**
     * @param x the first sample, not empty
     * @param y the second sample, not empty
     * @return the two-sided p-value; {@code NaN} when every value is the same (no order to test)
     */
    static double p(double[] x, double[] y) {
        int n1 = x.length;
        int n2 = y.length;
        double[] all = new double[n1 + n2];
        System.arraycopy(x, 0, all, 0, n1);
        System.arraycopy(y, 0, all, n1, n2);
        double[] ranks = new NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE).rank(all);
        double r1 = 0;
        for (int i = 0; i < n1; i++) {
            r1 += ranks[i];
        }
        double u = r1 - n1 * (n1 + 1) / 2.0;
        double n = n1 + n2;
        double variance = (double) n1 * n2 / 12.0 * ((n + 1) - ties(all) / (n * (n - 1)));
        if (!(variance > 0)) {
            return Double.NaN;
        }
        double z = Math.abs(u - (double) n1 * n2 / 2.0) / Math.sqrt(variance);
        return 2 * STANDARD.cumulativeProbability(-z);
    }

    /** @return the sum of t^3 - t over the groups of t equal values */
    private static double ties(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        double sum = 0;
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[i]) {
                j++;
            }
            double t = j - i + 1;
            sum += t * t * t - t;
            i = j + 1;
        }
        return sum;
    }
}
