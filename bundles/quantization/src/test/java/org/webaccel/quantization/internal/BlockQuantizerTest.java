package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;
import org.junit.Test;

public class BlockQuantizerTest {

    private static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1 + (r.nextDouble() - 0.5));
        }
        return v;
    }

    private static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }

    @Test
    public void everyCodeFitsAndErrorShrinksWithEachBit() {
        float[] w = gaussian(64 * 200, 1);
        double previous = Double.POSITIVE_INFINITY;
        for (int bits : new int[] {2, 3, 4, 8}) {
            for (boolean sym : new boolean[] {true, false}) {
                QuantizedMatrix q = BlockQuantizer.quantize(w, 64, 200, bits, 32, sym);
                for (byte c : q.codes()) {
                    assertTrue((c & 0xFF) < (1 << bits));
                }
                assertEquals(64 * 7 * 32, q.codes().length); // 200 columns -> 7 blocks of 32
                assertEquals(64 * 7, q.scales().length);
            }
            double e = rmse(w, BlockQuantizer.quantize(w, 64, 200, bits, 32, false).dequantize());
            assertTrue(bits + " bits: rmse " + e + " not below " + previous, e < previous);
            previous = e;
        }
        assertTrue("8 bits rmse " + previous, previous < 0.01);
    }

    @Test
    public void roundingErrorIsAtMostHalfAStepAtEightBits() {
        float[] w = gaussian(32 * 128, 2);
        QuantizedMatrix q = BlockQuantizer.quantize(w, 32, 128, 8, 32, false);
        float[] d = q.dequantize();
        for (int i = 0; i < w.length; i++) {
            float scale = q.scales()[(i / 128) * 4 + (i % 128) / 32];
            assertTrue(i + ": " + w[i] + " vs " + d[i], Math.abs(w[i] - d[i]) <= Math.abs(scale) / 2 + 1e-6);
        }
    }

    @Test
    public void symmetricBlocksMapTheLargestMagnitudeExactlyAndZeroToZero() {
        float[] w = new float[32];
        w[3] = -2.5f;
        w[7] = 1.0f;
        QuantizedMatrix q = BlockQuantizer.quantize(w, 1, 32, 4, 32, true);
        assertEquals(8, q.zeroPoints()[0] & 0xFF);
        float[] d = q.dequantize();
        assertEquals(0f, d[0], 0f);
        // -2.5 is the extreme: with the full-width range it decodes exactly (scale 2.5 / -8)
        assertEquals(-2.5f, d[3], 0f);
        assertEquals(0, q.code(0, 3));
    }

    @Test
    public void paddingDecodesToZeroAndBlocksAreIndependent() {
        // one outlier in the second block must not coarsen the first
        float[] w = new float[40];
        for (int i = 0; i < 32; i++) {
            w[i] = 0.01f * (i - 16);
        }
        w[35] = 100f;
        QuantizedMatrix q = BlockQuantizer.quantize(w, 1, 40, 4, 32, false);
        float[] d = q.dequantize();
        assertTrue(rmse(java.util.Arrays.copyOf(w, 32), java.util.Arrays.copyOf(d, 32)) < 0.01);
        for (int c = 40; c < 64; c++) {
            assertEquals(q.zeroPoints()[1], (byte) q.code(0, c));
        }
    }
}
