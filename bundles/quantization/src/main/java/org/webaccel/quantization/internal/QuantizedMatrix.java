package org.webaccel.quantization.internal;

/**
 * A matrix quantized block-wise along its rows.
 *
 * @param rows rows of the original matrix
 * @param cols columns of the original matrix
 * @param bits bits per code
 * @param group columns per block
 * @param symmetric whether every zero point is {@code 2^(bits-1)}
 * @param blocksPerRow {@code ceil(cols / group)}
 * @param codes unsigned codes, {@code rows x blocksPerRow x group}, each row padded with its last block's
 *        zero point
 * @param scales one per block, {@code rows x blocksPerRow}
 * @param zeroPoints one unsigned zero point per block, {@code rows x blocksPerRow}
 */
record QuantizedMatrix(int rows, int cols, int bits, int group, boolean symmetric, int blocksPerRow,
        byte[] codes, float[] scales, byte[] zeroPoints) {

    /** @return the unsigned code of element {@code (r, c)} */
    int code(int r, int c) {
        return codes[(r * blocksPerRow) * group + c] & 0xFF;
    }

    /** @return the codes without the row padding, row-major {@code rows x cols} */
    byte[] unpaddedCodes() {
        byte[] out = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(codes, r * blocksPerRow * group, out, r * cols, cols);
        }
        return out;
    }

    /** @return the decoded matrix, row-major {@code rows x cols} */
    float[] dequantize() {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int block = r * blocksPerRow + c / group;
                out[r * cols + c] = (code(r, c) - (zeroPoints[block] & 0xFF)) * scales[block];
            }
        }
        return out;
    }
}
