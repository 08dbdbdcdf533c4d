package org.webaccel.api.quantization;

/**
 * What happened to one weight of a model.
 *
 * @param layer the weight's initializer name, e.g. {@code layer0.ffn.in.weight}
 * @param elements number of weights
 * @param bits bits per weight in the variant
 * @param operator what computes with it in the variant, e.g. {@code MatMulNBits(4)} or
 *        {@code DequantizeLinear(8)} (the width in parentheses is the one the operator sees at run time)
 * @param bytes bytes the weight takes in the variant (codes, scales, zero points)
 * @param floatBytes bytes it took as float32
 * @param error measured sensitivity: the outputs' mean squared error relative to their mean square when
 *        only this layer is quantized at {@code bits}, on the calibration inputs; NaN when not measured
 */
public record LayerQuantization(String layer, long elements, int bits, String operator, long bytes, long floatBytes,
        double error) {
}
