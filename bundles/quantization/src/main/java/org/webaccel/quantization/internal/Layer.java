package org.webaccel.quantization.internal;

import java.util.Arrays;

/**
 * A weight of a model that quantization may replace: one float32 initializer.
 *
 * @param name the initializer's name
 * @param dims its shape
 * @param kind how the quantized weight enters the graph
 * @param rows rows of the matrix that is quantized: N for a matrix product (the weight transposed to
 *        {@code [N, K]}), else the first dimension
 * @param cols columns, along which the blocks run: K for a matrix product, else the product of the other
 *        dimensions
 */
record Layer(String name, long[] dims, Kind kind, int rows, int cols) {

    /** How a quantized weight is wired in. */
    enum Kind {
        /** the constant right-hand side of MatMul, or of a plain Gemm: replaced by MatMulNBits */
        MATMUL_NBITS,
        /** any other weight (embeddings, convolutions): DequantizeLinear with blocks gives it back */
        DEQUANTIZE
    }

    /** @return the number of weights */
    long elements() {
        return (long) rows * cols;
    }

    /** @return the bytes the float32 weight takes */
    long floatBytes() {
        return elements() * 4;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims) + " " + kind;
    }
}
