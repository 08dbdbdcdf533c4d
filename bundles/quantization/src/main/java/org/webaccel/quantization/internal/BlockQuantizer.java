package org.webaccel.quantization.internal;

/**
 * Block-wise quantization of a matrix along its rows: each row is cut into blocks of {@code group}
 * columns, and each block gets its own scale (and, asymmetric, its own zero point), so one outlier only
 * coarsens the few values that share its block.
 *
 * <p>Codes are unsigned, {@code 0 .. 2^bits - 1}, and decode as {@code (code - zeroPoint) * scale}.
 * Symmetric blocks have the fixed zero point {@code 2^(bits-1)} and a scale chosen so that the value of
 * largest magnitude lands exactly on the code 0 (the scale may be negative): all {@code 2^bits} codes are
 * in use, where the usual {@code absmax / (2^(bits-1) - 1)} would waste one. Asymmetric blocks span
 * {@code [min(0, lo), max(0, hi)]}, so zero is always exact and padding decodes to zero. At 4 bits and
 * fewer each block's range is also tried shrunk by up to 36 % in steps of 4 %, keeping the range with
 * the least squared error.
 */
final class BlockQuantizer {
    private static final int SHRINK_STEPS = 10;
    private static final float SHRINK_STEP = 0.04f;
    private BlockQuantizer() {
    }

    /**
     * @param values row-major {@code rows x cols}
     * @return the codes of each row padded to whole blocks (padding holds the zero point), one scale
     *         and zero point per block
     */
    static QuantizedMatrix quantize(float[] values, int rows, int cols, int bits, int group, boolean symmetric) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix needs " + (long) rows * cols
                    + " values, got " + values.length);
        }
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        }
        if (group < 1) {
            throw new IllegalArgumentException("group size must be positive, got " + group);
        }
        int blocks = (cols + group - 1) / group;
        int maxCode = (1 << bits) - 1;
        byte[] codes = new byte[rows * blocks * group];
        float[] scales = new float[rows * blocks];
        byte[] zeroPoints = new byte[rows * blocks];
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) {
                int from = r * cols + b * group;
                int to = r * cols + Math.min(cols, (b + 1) * group);
                float scale = 1f;
                int zero = symmetric ? 1 << (bits - 1) : 0;
                double best = Double.POSITIVE_INFINITY;
                // Narrow widths lose most to the block's extremes: try ranges shrunk towards zero and keep
                // the one with the least squared error (clipping a few values beats coarsening all of them).
                int steps = bits <= 4 ? SHRINK_STEPS : 1;
                for (int s = 0; s < steps; s++) {
                    float shrink = 1f - s * SHRINK_STEP;
                    float[] candidate = range(values, from, to, bits, symmetric, shrink);
                    double error = squaredError(values, from, to, candidate[0], (int) candidate[1], maxCode);
                    if (error < best) {
                        best = error;
                        scale = candidate[0];
                        zero = (int) candidate[1];
                    }
                }
                int block = r * blocks + b;
                scales[block] = scale;
                zeroPoints[block] = (byte) zero;
                int out = block * group;
                for (int i = 0; i < group; i++) {
                    int src = from + i;
                    codes[out + i] = (byte) (src < to ? clamp(Math.round(values[src] / scale) + zero, 0, maxCode) : zero);
                }
            }
        }
        return new QuantizedMatrix(rows, cols, bits, group, symmetric, blocks, codes, scales, zeroPoints);
    }

    /** @return {scale, zero point} for the block's range shrunk by {@code shrink} */
    private static float[] range(float[] values, int from, int to, int bits, boolean symmetric, float shrink) {
        int maxCode = (1 << bits) - 1;
        if (symmetric) {
            float extreme = 0;
            for (int i = from; i < to; i++) {
                if (Math.abs(values[i]) > Math.abs(extreme)) {
                    extreme = values[i];
                }
            }
            int zero = 1 << (bits - 1);
            return new float[] {extreme == 0 ? 1f : extreme * shrink / -zero, zero};
        }
        float lo = 0;
        float hi = 0;
        for (int i = from; i < to; i++) {
            lo = Math.min(lo, values[i]);
            hi = Math.max(hi, values[i]);
        }
        if (hi == lo) {
            return new float[] {1f, 0};
        }
        float scale = (hi - lo) * shrink / maxCode;
        return new float[] {scale, clamp(Math.round(-lo * shrink / scale), 0, maxCode)};
    }

    private static double squaredError(float[] values, int from, int to, float scale, int zero, int maxCode) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            int code = clamp(Math.round(values[i] / scale) + zero, 0, maxCode);
            double d = (code - zero) * (double) scale - values[i];
            sum += d * d;
        }
        return sum;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
