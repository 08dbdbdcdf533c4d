package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.Test;

public class RankSumTestTest {

    @Test
    public void withoutTiesItIsCommonsMathsMannWhitneyU() {
        Random rnd = new Random(1);
        for (int k = 0; k < 20; k++) {
            double[] x = new double[40 + k];
            double[] y = new double[60];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = rnd.nextGaussian() + 0.3;
            }
            assertEquals(new MannWhitneyUTest().mannWhitneyUTest(x, y), RankSumTest.p(x, y), 1e-9);
        }
    }

    @Test
    public void tiesNarrowTheVarianceSoMostlyEqualSamplesAreStillTested() {
        double[] x = new double[1000];
        double[] y = new double[1000];
        for (int i = 0; i < 1000; i++) {
            x[i] = i < 10 ? 100 : 0; // 1 % failures
            y[i] = i < 60 ? 100 : 0; // 6 % failures
        }
        double corrected = RankSumTest.p(x, y);
        double uncorrected = new MannWhitneyUTest().mannWhitneyUTest(x, y);
        assertTrue(corrected + " vs " + uncorrected, corrected < 1e-6 && uncorrected > corrected * 100);
        // for 0/1 data the tie-corrected rank-sum z is the two-proportion z times sqrt((N - 1) / N)
        double p1 = 0.01;
        double p2 = 0.06;
        double pooled = (p1 + p2) / 2;
        double z = (p2 - p1) / Math.sqrt(pooled * (1 - pooled) * 2 / 1000.0 * 2000.0 / 1999.0);
        double expected = 2 * new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(-z);
        assertEquals(expected, corrected, expected * 1e-6);
    }

    @Test
    public void allEqualHasNoOrderToTest() {
        assertTrue(Double.isNaN(RankSumTest.p(new double[] {1, 1, 1}, new double[] {1, 1})));
    }
}
