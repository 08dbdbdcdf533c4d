package org.webaccel.quantization.internal;

/**
 * The two byte layouts of codes narrower than a byte.
 *
 * <p>Dense (2, 4 or 8 bits): {@code 8 / bits} codes per byte, the first in the lowest bits. This is the
 * layout of ONNX's int4/uint4 tensors and of MatMulNBits' weight blobs.
 *
 * <p>Bit planes (any width, used for 3 bits): plane {@code p} holds bit {@code p} of every code, eight
 * codes per byte, code {@code i} in bit {@code i % 8} of byte {@code i / 8}. A graph decodes planes with
 * shifts, masks and one sum over the planes, all standard ONNX operators, which a width such as 3 that
 * does not divide 8 would otherwise make awkward. Both layouts take exactly {@code bits} bits per code.
 */
final class BitPacking {
    private BitPacking() {
    }

    /** @return codes packed densely, {@code ceil(n * bits / 8)} bytes */
    static byte[] packDense(byte[] codes, int bits) {
        if (bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("dense packing takes 2, 4 or 8 bits, not " + bits);
        }
        if (bits == 8) {
            return codes.clone();
        }
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        byte[] out = new byte[(codes.length + perByte - 1) / perByte];
        for (int i = 0; i < codes.length; i++) {
            out[i / perByte] |= (byte) ((codes[i] & mask) << ((i % perByte) * bits));
        }
        return out;
    }

    /** @return the first {@code n} codes of a dense packing */
    static byte[] unpackDense(byte[] packed, int bits, int n) {
        if (bits == 8) {
            return java.util.Arrays.copyOf(packed, n);
        }
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) ((packed[i / perByte] >> ((i % perByte) * bits)) & mask);
        }
        return out;
    }

    /**
     * @param codes codes, a multiple of 8 of them
     * @return {@code bits} planes of {@code n / 8} bytes each, plane 0 first
     */
    static byte[] packPlanes(byte[] codes, int bits) {
        if (codes.length % 8 != 0) {
            throw new IllegalArgumentException("bit planes take a multiple of 8 codes, got " + codes.length);
        }
        int planeBytes = codes.length / 8;
        byte[] out = new byte[bits * planeBytes];
        for (int i = 0; i < codes.length; i++) {
            int code = codes[i] & 0xFF;
            if (code >> bits != 0) {
                throw new IllegalArgumentException("code " + code + " at " + i + " does not fit in " + bits + " bits");
            }
            for (int p = 0; p < bits; p++) {
                out[p * planeBytes + i / 8] |= (byte) (((code >> p) & 1) << (i % 8));
            }
        }
        return out;
    }

    /** @return the codes of {@code bits} planes */
    static byte[] unpackPlanes(byte[] planes, int bits) {
        int planeBytes = planes.length / bits;
        byte[] out = new byte[planeBytes * 8];
        for (int i = 0; i < out.length; i++) {
            int code = 0;
            for (int p = 0; p < bits; p++) {
                code |= ((planes[p * planeBytes + i / 8] >> (i % 8)) & 1) << p;
            }
            out[i] = (byte) code;
        }
        return out;
    }
}
