package org.webaccel.pool.internal;

import java.util.Map;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/**
 * A request as the pool accepted it: fixed at submission, never changed. What happens to it on its way lives
 * in its {@link Ticket}; what belongs to one run of it, in that run's {@link Attempt}.
 */
final class PoolRequest {
    final long id;
    final ModelDescriptor model;
    final Map<String, Tensor> inputs;
    final InferenceOptions options;
    final long submittedNanos;
    final long deadlineNanos;
    /** The inputs' size, counted against the pool's request memory while the request is in flight. */
    final long inputBytes;
    /** The first dimension of the first input when the model names it {@code batch}, else 1. */
    final int batchSize;
    final Shares shares;

    PoolRequest(long id, ModelDescriptor model, Map<String, Tensor> inputs, InferenceOptions options, long now,
            Shares shares) {
        this.id = id;
        this.model = model;
        this.inputs = Map.copyOf(inputs);
        this.options = options;
        this.submittedNanos = now;
        this.deadlineNanos = now + options.timeout().toNanos();
        this.inputBytes = this.inputs.values().stream().mapToLong(Tensor::byteSize).sum();
        this.batchSize = batchSize(model, this.inputs);
        this.shares = shares;
    }

    private static int batchSize(ModelDescriptor model, Map<String, Tensor> inputs) {
        if (model.inputs().isEmpty()) {
            return 1;
        }
        var first = model.inputs().get(0);
        Tensor t = inputs.get(first.name());
        boolean batched = !first.shape().isEmpty() && "batch".equals(first.shape().get(0).symbol());
        return batched && t != null && t.rank() > 0 ? (int) t.shape()[0] : 1;
    }

    /**
     * Tensors the request shares with its page: inputs read from tensors a page holds (the request must run on
     * that page), and outputs to keep there.
     *
     * @param references input name to the id of the tensor to read it from
     * @param holder the worker that holds the referenced tensors, or null when the request references none
     * @param keep output name to the id to keep it under
     * @param adopt input name to the id to keep it under: inputs sent as bytes that were moved from another page
     */
    record Shares(Map<String, String> references, String holder, Map<String, String> keep,
            Map<String, String> adopt) {
        static final Shares NONE = new Shares(Map.of(), null, Map.of(), Map.of());

        Shares {
            references = Map.copyOf(references);
            keep = Map.copyOf(keep);
            adopt = Map.copyOf(adopt);
        }

        boolean any() {
            return !references.isEmpty() || !keep.isEmpty() || !adopt.isEmpty();
        }
    }

    /** @return milliseconds from submission to {@code now} */
    double msSinceSubmit(long now) {
        return (now - submittedNanos) / 1e6;
    }

    @Override
    public String toString() {
        return "request " + id + " for " + model.id();
    }
}
