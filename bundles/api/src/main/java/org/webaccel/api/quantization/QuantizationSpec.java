package org.webaccel.api.quantization;

import java.util.List;

/**
 * How weights are quantized: bits per weight, weights per block (each block has its own scale), and
 * whether blocks are symmetric around zero or carry their own zero point.
 *
 * @param bits 2, 3, 4 or 8
 * @param groupSize 32, 64 or 128 weights per block
 * @param symmetric true: zero point fixed at the middle code; false: one zero point per block
 */
public record QuantizationSpec(int bits, int groupSize, boolean symmetric) {
    /** The widths the quantizer writes. */
    public static final List<Integer> BITS = List.of(2, 3, 4, 8);
    /** The block sizes the quantizer writes (MatMulNBits takes powers of two from 16). */
    public static final List<Integer> GROUP_SIZES = List.of(32, 64, 128);

    /** @throws IllegalArgumentException naming the accepted values */
    public QuantizationSpec {
        checkBits(bits);
        checkGroup(groupSize);
    }

    /** @throws IllegalArgumentException when {@code bits} is not one of {@link #BITS} */
    public static void checkBits(int bits) {
        if (!BITS.contains(bits)) {
            throw new IllegalArgumentException("--bits must be one of " + BITS + "; got " + bits);
        }
    }

    /** @throws IllegalArgumentException when {@code groupSize} is not one of {@link #GROUP_SIZES} */
    public static void checkGroup(int groupSize) {
        if (!GROUP_SIZES.contains(groupSize)) {
            throw new IllegalArgumentException("--group must be one of " + GROUP_SIZES + "; got " + groupSize);
        }
    }

    /** @return a short name such as {@code q4g32s}, used in variant names */
    public String tag() {
        return "q" + bits + "g" + groupSize + (symmetric ? "s" : "a");
    }
}
