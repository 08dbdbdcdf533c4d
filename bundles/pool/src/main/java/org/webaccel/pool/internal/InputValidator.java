package org.webaccel.pool.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedTensor;

/** Checks a request's inputs against the model's signature before anything is queued. */
final class InputValidator {
    private final long maxInputBytes;

    InputValidator(long maxInputBytes) {
        this.maxInputBytes = maxInputBytes;
    }

    /**
     * @throws InvalidInputException naming the model, the input and what is wrong with it
     */
    void validate(ModelDescriptor model, Map<String, Tensor> inputs) {
        validate(model, inputs, Map.of());
    }

    /**
     * Checks inputs of which some are shared tensors held by a page: those are checked by their dtype and shape.
     *
     * @param references inputs read from shared tensors, by input name
     * @throws InvalidInputException naming the model, the input and what is wrong with it
     */
    void validate(ModelDescriptor model, Map<String, Tensor> inputs, Map<String, SharedTensor> references) {
        String m = "model '" + model.name() + "'";
        if ((inputs == null || inputs.isEmpty()) && references.isEmpty() && !model.inputs().isEmpty()) {
            throw new InvalidInputException(m + " expects inputs " + model.inputs() + "; got none");
        }
        inputs = inputs == null ? Map.of() : inputs;
        for (String name : references.keySet()) {
            if (inputs.containsKey(name)) {
                throw new InvalidInputException(m + ": input '" + name + "' is given both as bytes and as shared "
                        + "tensor " + references.get(name).id());
            }
            if (model.input(name).isEmpty()) {
                throw new InvalidInputException(m + " has no input '" + name + "' (given shared tensor "
                        + references.get(name).id() + "); its inputs are " + model.inputs());
            }
        }
        for (String name : inputs.keySet()) {
            if (model.input(name).isEmpty()) {
                throw new InvalidInputException(m + " has no input '" + name + "'; its inputs are " + model.inputs());
            }
        }
        long total = 0;
        Map<String, Long> symbols = new HashMap<>();
        Map<String, String> symbolSource = new HashMap<>();
        for (TensorSpec spec : model.inputs()) {
            Tensor t = inputs.get(spec.name());
            SharedTensor ref = references.get(spec.name());
            if (t == null && ref == null) {
                throw new InvalidInputException(m + " is missing input '" + spec.name() + "' (" + spec + ")");
            }
            String in = "input '" + spec.name() + "' of " + m + (ref == null ? "" : " (shared tensor " + ref.id() + ")");
            org.webaccel.api.tensor.DType dtype = t == null ? ref.dtype() : t.dtype();
            if (dtype != spec.dtype()) {
                throw new InvalidInputException(in + " must be " + spec.dtype() + "; got " + dtype);
            }
            long[] shape = t == null ? ref.shape() : t.shape();
            List<Dim> dims = spec.shape();
            if (shape.length != dims.size()) {
                throw new InvalidInputException(in + " expects shape " + spec.shapeText() + " (rank " + dims.size()
                        + "); got " + Arrays.toString(shape) + " (rank " + shape.length + ")");
            }
            for (int i = 0; i < shape.length; i++) {
                Dim d = dims.get(i);
                if (!d.isSymbolic() && d.size() != shape[i]) {
                    throw new InvalidInputException(in + " expects shape " + spec.shapeText() + ": dimension " + i
                            + " must be " + d.size() + "; got " + Arrays.toString(shape));
                }
                if (d.isSymbolic()) {
                    Long seen = symbols.putIfAbsent(d.symbol(), shape[i]);
                    symbolSource.putIfAbsent(d.symbol(), spec.name());
                    if (seen != null && seen != shape[i]) {
                        throw new InvalidInputException(m + ": dimension '" + d.symbol() + "' is " + seen + " in input '"
                                + symbolSource.get(d.symbol()) + "' but " + shape[i] + " in input '" + spec.name() + "'");
                    }
                }
            }
            if (t != null) {
                checkRange(in, spec, t);
                total += t.byteSize();
            }
        }
        if (total > maxInputBytes) {
            throw new InvalidInputException("inputs of " + m + " total " + total + " bytes, over the limit of "
                    + maxInputBytes + " bytes");
        }
    }

    /** Out-of-range ids would make the page's Gather fail or read garbage: refuse them here, with the place. */
    private static void checkRange(String in, TensorSpec spec, Tensor t) {
        long[] range = spec.valueRange();
        if (range == null || !t.dtype().isInteger()) {
            return;
        }
        long[] values = t.toLongs();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < range[0] || values[i] > range[1]) {
                throw new InvalidInputException(in + " has value " + values[i] + " at flat index " + i
                        + ", outside the valid range [" + range[0] + ", " + range[1] + "]");
            }
        }
    }
}
