package org.webaccel.pool.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/** An accepted request on its way through the pool. Ends exactly once: the first completion wins. */
final class Request {
    final long id;
    final ModelDescriptor model;
    final Map<String, Tensor> inputs;
    final InferenceOptions options;
    final long submittedNanos;
    final long deadlineNanos;
    final CompletableFuture<InferenceResult> result = new CompletableFuture<>();
    /** Guarded by the dispatcher's lock. */
    int attempts;
    /** Guarded by the dispatcher's lock; set when first taken by a worker. */
    long startedNanos;

    Request(long id, ModelDescriptor model, Map<String, Tensor> inputs, InferenceOptions options, long now) {
        this.id = id;
        this.model = model;
        this.inputs = Map.copyOf(inputs);
        this.options = options;
        this.submittedNanos = now;
        this.deadlineNanos = now + options.timeout().toNanos();
    }

    boolean isDone() {
        return result.isDone();
    }

    double msSinceSubmit(long now) {
        return (now - submittedNanos) / 1e6;
    }
}
