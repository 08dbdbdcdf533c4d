package org.webaccel.quantization.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensor.TensorBuilder;

/**
 * A fixed set of inputs for a model, from its signature and a seed: the same seed gives the same
 * tensors on every machine. Sizes come from the descriptor's example dimensions with batch 1; floats are
 * uniform in [-1, 1), integers uniform in the input's value range, and a {0, 1} input (an attention
 * mask) keeps a prefix of ones whose length varies, so padding is exercised too.
 */
final class SeededInputs {
    private SeededInputs() {
    }

    static List<Map<String, Tensor>> generate(ModelDescriptor model, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Map<String, Tensor>> all = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (TensorSpec spec : model.inputs()) {
                long[] shape = new long[spec.shape().size()];
                for (int i = 0; i < shape.length; i++) {
                    Dim d = spec.shape().get(i);
                    shape[i] = !d.isSymbolic() ? d.size()
                            : d.symbol().equals("batch") ? 1 : model.exampleDims().getOrDefault(d.symbol(), 1L);
                }
                inputs.put(spec.name(), tensor(spec, shape, random, k));
            }
            all.add(inputs);
        }
        return all;
    }

    private static Tensor tensor(TensorSpec spec, long[] shape, SplittableRandom random, int index) {
        TensorBuilder b = new TensorBuilder(spec.dtype(), shape);
        long last = shape.length == 0 ? 1 : shape[shape.length - 1];
        long[] range = spec.valueRange() == null ? new long[] {0, 9} : spec.valueRange();
        boolean mask = range[0] == 0 && range[1] == 1;
        for (int i = 0; i < b.count(); i++) {
            long value = mask ? (i % last < last - (index % 4) ? 1 : 0)
                    : range[0] + random.nextLong(range[1] - range[0] + 1);
            if (spec.dtype().isFloat()) {
                b.addNumber(random.nextDouble() * 2 - 1);
            } else if (spec.dtype() == DType.BOOL) {
                b.addBoolean((value & 1) == 1);
            } else if (spec.dtype() == DType.STRING) {
                b.addString("w" + value);
            } else {
                b.addInteger(value);
            }
        }
        return b.build();
    }

    /**
     * @param inputs one set of inputs {@link #generate} made for the model
     * @return each input's shape, type and the range its values were drawn from, e.g.
     *         {@code sr [] int64 in 0..9}, for messages
     */
    static String describe(ModelDescriptor model, Map<String, Tensor> inputs) {
        List<String> parts = new ArrayList<>();
        for (TensorSpec spec : model.inputs()) {
            Tensor t = inputs.get(spec.name());
            long[] range = spec.valueRange() == null ? new long[] {0, 9} : spec.valueRange();
            String values = spec.dtype().isFloat() ? "uniform in [-1, 1)"
                    : spec.dtype() == DType.STRING ? "words w" + range[0] + "..w" + range[1]
                    : range[0] == 0 && range[1] == 1 ? "a 0/1 mask" : "in " + range[0] + ".." + range[1];
            parts.add(spec.name() + " " + java.util.Arrays.toString(t.shape()) + " "
                    + spec.dtype().name().toLowerCase(java.util.Locale.ROOT) + " " + values);
        }
        return String.join(", ", parts);
    }

}
