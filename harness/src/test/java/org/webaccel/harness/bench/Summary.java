package org.webaccel.harness.bench;

import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The median of repeated measurements and their spread (interquartile range, minimum, maximum).
 *
 * @param n number of measurements
 * @param median the median
 * @param q1 the first quartile
 * @param q3 the third quartile
 * @param min the smallest measurement
 * @param max the largest measurement
 */
public record Summary(int n, double median, double q1, double q3, double min, double max) {

    /**
     * @param samples the measurements, at least one
     * @return their summary
     * @throws IllegalArgumentException when there is no measurement
     */
    public static Summary of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no measurements to summarise");
        }
        DescriptiveStatistics s = new DescriptiveStatistics(samples);
        // R-7, the estimator of R and numpy: the median of {a, b} is their mean and quartiles interpolate.
        s.setPercentileImpl(new Percentile().withEstimationType(Percentile.EstimationType.R_7));
        return new Summary(samples.length, s.getPercentile(50), s.getPercentile(25), s.getPercentile(75), s.getMin(),
                s.getMax());
    }

    /**
     * @param samples the measurements, at least one
     * @return their summary
     */
    public static Summary of(java.util.List<Double> samples) {
        double[] values = new double[samples.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = samples.get(i);
        }
        return of(values);
    }

    /** @return the interquartile range relative to the median, 0 when the median is 0 */
    public double relativeSpread() {
        return median == 0 ? 0 : (q3 - q1) / Math.abs(median);
    }
}
