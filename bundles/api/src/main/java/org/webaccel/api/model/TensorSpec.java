package org.webaccel.api.model;

import java.util.List;
import java.util.stream.Collectors;
import org.webaccel.api.tensor.DType;

/**
 * The signature of one model input or output.
 *
 * @param name the ONNX graph name
 * @param dtype element type
 * @param shape dimensions, fixed or symbolic
 * @param valueRange for integer inputs such as token ids, the inclusive range {@code [min, max]} of valid
 *        values, used to generate random inputs; null when any value will do
 */
public record TensorSpec(String name, DType dtype, List<Dim> shape, long[] valueRange) {

    /** Copies the shape and checks the value range. */
    public TensorSpec {
        shape = List.copyOf(shape);
        if (valueRange != null && (valueRange.length != 2 || valueRange[0] > valueRange[1])) {
            throw new IllegalArgumentException("valueRange of '" + name + "' must be [min, max]");
        }
    }

    /** @return a spec with no value range */
    public static TensorSpec of(String name, DType dtype, Dim... shape) {
        return new TensorSpec(name, dtype, List.of(shape), null);
    }

    /** @return the shape written as {@code [batch, 128]} */
    public String shapeText() {
        return shape.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeText();
    }
}
