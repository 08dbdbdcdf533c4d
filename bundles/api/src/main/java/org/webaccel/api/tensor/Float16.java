package org.webaccel.api.tensor;

/**
 * IEEE 754 binary16 (FP16) conversions, which Java 17 lacks ({@code Float.float16ToFloat} and
 * {@code Float.floatToFloat16} came in Java 20). Rounding to FP16 is to nearest, ties to even, as numpy's
 * {@code astype(float16)} does.
 */
public final class Float16 {
    private static final int FLOAT_EXPONENT_BIAS = 127;
    private static final int HALF_EXPONENT_BIAS = 15;
    private static final int HALF_INFINITY = 0x7c00;

    private Float16() {
    }

    /**
     * @param value a float
     * @return the nearest binary16 value's bits (infinity past 65504, signed zero for tiny values, NaN for NaN)
     */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7f_ffff;
        if (exponent == 0xff) {
            // Keep a NaN a NaN: its payload may sit in the low bits that the shift would drop.
            return (short) (sign | HALF_INFINITY | (mantissa != 0 ? 0x200 : 0));
        }
        int halfExponent = exponent - FLOAT_EXPONENT_BIAS + HALF_EXPONENT_BIAS;
        if (halfExponent >= 0x1f) {
            return (short) (sign | HALF_INFINITY);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                // Below half the smallest subnormal: rounds to zero.
                return (short) sign;
            }
            // A subnormal half: the implicit leading bit becomes explicit, then shifts out with the rest.
            return (short) (sign | roundedShift(mantissa | 0x80_0000, 14 - halfExponent));
        }
        // A carry out of the mantissa while rounding rightly moves to the next exponent, or to infinity.
        return (short) (sign | roundedShift((halfExponent << 23) | mantissa, 13));
    }

    /** Shifts right by {@code shift} bits, rounding to nearest with ties to even. */
    private static int roundedShift(int value, int shift) {
        int kept = value >>> shift;
        int dropped = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (dropped > half || (dropped == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }

    /**
     * @param half the bits of a binary16 value
     * @return the same value as a float (exact: every binary16 value is a binary32 value)
     */
    public static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
