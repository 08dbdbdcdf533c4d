package org.webaccel.api.tensors;

import java.util.Arrays;
import java.util.Objects;
import org.webaccel.api.tensor.DType;

/**
 * A tensor kept in a worker page, as the pool knew it when this snapshot was taken.
 *
 * @param id the id requests reference it by
 * @param worker the worker (page) that holds it; a request that references it runs there
 * @param model the model id ({@code name:version}) that produced it
 * @param output the name of the output it was
 * @param dtype element type
 * @param shape dimensions
 * @param byteSize its size, counted against the page's budget
 * @param location where the page holds it: {@code cpu} (JavaScript memory of the page, copied into the wasm heap
 *        for each run that reads it) or {@code gpu-buffer} (a WebGPU buffer, read in place by WebGPU sessions)
 * @param references holders: the caller's own reference(s) plus requests that reference it and have not ended
 * @param pinned a pinned tensor is never evicted, referenced or not
 * @param lastUsedMillis when it was last produced or read, epoch milliseconds
 */
public record SharedTensor(String id, String worker, String model, String output, DType dtype, long[] shape,
        long byteSize, String location, int references, boolean pinned, long lastUsedMillis) {

    /** Copies the shape. */
    public SharedTensor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return whether it may be evicted now: nothing references it and it is not pinned */
    public boolean evictable() {
        return references == 0 && !pinned;
    }

    @Override
    public String toString() {
        return id + " (" + model + " " + output + ", " + dtype + Arrays.toString(shape) + " on " + worker + ")";
    }
}
