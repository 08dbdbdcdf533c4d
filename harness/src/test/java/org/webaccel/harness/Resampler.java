package org.webaccel.harness;

/**
 * Band-limited resampling of mono audio by windowed-sinc interpolation: each output sample is the input
 * convolved with a Hann-windowed sinc low-pass centred on the output instant. When the rate goes down the cut-off
 * moves down with it, so nothing above the new Nyquist frequency folds back into the band openWakeWord hears.
 */
final class Resampler {
    /** Zero crossings of the sinc on each side of the centre: longer is sharper and slower. */
    private static final int ZERO_CROSSINGS = 16;
    /** The cut-off as a share of the lower Nyquist frequency, leaving room for the window's transition band. */
    private static final double ROLL_OFF = 0.95;

    private Resampler() {
    }

    /**
     * @param in samples at {@code fromRate}
     * @param fromRate the input rate in Hz, positive
     * @param toRate the output rate in Hz, positive
     * @return the samples at {@code toRate}, {@code round(in.length * toRate / fromRate)} of them
     * @throws IllegalArgumentException for a rate that is not positive
     */
    static float[] resample(float[] in, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive; got " + fromRate + " -> " + toRate);
        }
        if (fromRate == toRate) {
            return in.clone();
        }
        double step = (double) fromRate / toRate;
        double cutoff = Math.min(1.0, (double) toRate / fromRate) * ROLL_OFF;
        double halfWidth = ZERO_CROSSINGS / cutoff;
        int n = (int) Math.round(in.length / step);
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            double t = k * step;
            int first = Math.max(0, (int) Math.ceil(t - halfWidth));
            int last = Math.min(in.length - 1, (int) Math.floor(t + halfWidth));
            double sum = 0;
            for (int i = first; i <= last; i++) {
                double d = t - i;
                sum += in[i] * cutoff * sinc(cutoff * d) * hann(d / halfWidth);
            }
            out[k] = (float) sum;
        }
        return out;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** @param x the place in the window, -1 to 1 */
    private static double hann(double x) {
        return 0.5 * (1 + Math.cos(Math.PI * x));
    }
}
