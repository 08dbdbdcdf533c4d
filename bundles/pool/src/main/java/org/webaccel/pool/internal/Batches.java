package org.webaccel.pool.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/**
 * Joining requests of one model along the batch dimension, and splitting the results back. A model can be
 * batched when the first dimension of every input is symbolic; requests join when every input has the same
 * dtype and the same dimensions after the first.
 */
final class Batches {
    private Batches() {
    }

    /** @return whether every input of the model has a symbolic first dimension */
    static boolean batchable(ModelDescriptor model) {
        if (model.inputs().isEmpty()) {
            return false;
        }
        for (TensorSpec spec : model.inputs()) {
            if (spec.shape().isEmpty() || !spec.shape().get(0).isSymbolic()) {
                return false;
            }
        }
        return true;
    }

    /** @return the request's batch size: the first dimension of its inputs */
    static long size(Map<String, Tensor> inputs) {
        return inputs.values().iterator().next().shape()[0];
    }

    /** @return whether two requests' inputs can be joined: same names, dtypes and dimensions after the first */
    static boolean compatible(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            Tensor x = e.getValue();
            Tensor y = b.get(e.getKey());
            if (x.dtype() != y.dtype() || x.rank() != y.rank() || x.rank() == 0
                    || !Arrays.equals(x.shape(), 1, x.rank(), y.shape(), 1, y.rank())) {
                return false;
            }
        }
        return true;
    }

    /** @return the inputs of all parts joined along the first dimension, in the parts' order */
    static Map<String, Tensor> join(List<Map<String, Tensor>> parts) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : parts.get(0).keySet()) {
            Tensor first = parts.get(0).get(name);
            long[] shape = first.shape().clone();
            shape[0] = 0;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (Map<String, Tensor> p : parts) {
                Tensor t = p.get(name);
                shape[0] += t.shape()[0];
                bytes.writeBytes(t.toByteArray());
            }
            out.put(name, Tensor.wrap(first.dtype(), shape, bytes.toByteArray()));
        }
        return out;
    }

    /**
     * @param outputs the joined run's outputs
     * @param sizes each part's batch size, in order
     * @return each part's outputs
     * @throws IllegalStateException when an output's first dimension is not the joined batch size
     */
    static List<Map<String, Tensor>> split(Map<String, Tensor> outputs, List<Long> sizes) {
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        List<Map<String, Tensor>> out = new ArrayList<>();
        sizes.forEach(s -> out.add(new LinkedHashMap<>()));
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 0 || t.shape()[0] != total) {
                throw new IllegalStateException("output '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", not a first dimension of the joined batch size " + total);
            }
            // Elements per batch row; a joined batch of 0 rows has none to hand out.
            long row = total == 0 ? 0 : t.elementCount() / total;
            ByteBuffer all = t.buffer();
            for (int i = 0; i < sizes.size(); i++) {
                long[] shape = t.shape().clone();
                shape[0] = sizes.get(i);
                byte[] part = new byte[bytesOf(t.dtype(), all, row * sizes.get(i))];
                all.get(part);
                out.get(i).put(e.getKey(), Tensor.wrap(t.dtype(), shape, part));
            }
        }
        return out;
    }

    /** @return the bytes of the next {@code count} elements from the buffer's position, which is left unchanged */
    private static int bytesOf(DType dtype, ByteBuffer b, long count) {
        if (dtype.isFixedSize()) {
            return (int) (count * dtype.byteSize());
        }
        // strings: each element is a 4-byte length and that many bytes
        int p = b.position();
        for (long i = 0; i < count; i++) {
            p += 4 + b.getInt(p);
        }
        return p - b.position();
    }
}
