package org.webaccel.endpoint.internal;

/**
 * IEEE 754 binary32 to binary16 conversion for FP16 tensors given as JSON numbers. Java 17 has no
 * {@code Float.floatToFloat16}, and clients expect the rounding numpy's {@code astype(float16)} does: to
 * nearest, ties to even.
 */
final class HalfFloat {
    private static final int FLOAT_EXPONENT_BIAS = 127;
    private static final int HALF_EXPONENT_BIAS = 15;
    private static final int HALF_INFINITY = 0x7c00;

    private HalfFloat() {
    }

    /**
     * @param value a float
     * @return the nearest binary16 value's bits (infinity past 65504, signed zero for tiny values, NaN for NaN)
     */
    static short fromFloat(float value) {
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
}
