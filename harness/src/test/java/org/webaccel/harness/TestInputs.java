package org.webaccel.harness;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.Tensor;

/** Seeded random inputs for a model, sized by its example dimensions with a chosen batch. */
public final class TestInputs {
    private TestInputs() {
    }

    public static Map<String, Tensor> random(ModelDescriptor model, long seed, long batch) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : model.inputs()) {
            long[] shape = spec.shape().stream().mapToLong(d -> !d.isSymbolic() ? d.size()
                    : d.symbol().equals("batch") ? batch : model.exampleDims().getOrDefault(d.symbol(), 1L)).toArray();
            int n = (int) Tensor.elementCount(shape);
            ByteBuffer b = ByteBuffer.allocate(n * spec.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            long[] range = spec.valueRange() == null ? new long[] {0, 9} : spec.valueRange();
            for (int i = 0; i < n; i++) {
                switch (spec.dtype()) {
                    case FLOAT32 -> b.putFloat((float) (rnd.nextDouble() * 2 - 1));
                    // Masks of all ones except the tail of the last row exercise the masking path.
                    case INT64 -> b.putLong(range[1] == 1 ? (i < n - 2 ? 1 : 0)
                            : range[0] + rnd.nextLong(range[1] - range[0] + 1));
                    default -> throw new IllegalArgumentException("no test inputs for " + spec.dtype());
                }
            }
            inputs.put(spec.name(), Tensor.wrap(spec.dtype(), shape, b.array()));
        }
        return inputs;
    }
}
