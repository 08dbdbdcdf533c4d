package org.webaccel.pool.internal;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/**
 * An accepted request on its way through the pool. It may be tried several times (attempts); it ends exactly
 * once: the first completion of {@link #result} wins.
 */
final class Request {
    final long id;
    final ModelDescriptor model;
    final Map<String, Tensor> inputs;
    final InferenceOptions options;
    final long submittedNanos;
    final long deadlineNanos;
    final CompletableFuture<InferenceResult> result = new CompletableFuture<>();
    /** Set by whoever ends the request, before {@link #result} completes, so that counters never lag it. */
    final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    /** Guarded by the dispatcher's lock: runs started so far. */
    int attempts;
    /** Guarded by the dispatcher's lock; set when first taken by a worker. */
    long startedNanos;
    /** Written under the dispatcher's lock: the provider to run on; wasm once the requested one failed. */
    volatile ExecutionProvider ep;
    /** Guarded by the dispatcher's lock: backends that cannot run this request (unsupported operator). */
    final Set<String> avoidBackends = new HashSet<>();
    /** Guarded by the dispatcher's lock: the current attempt, completed by its worker or its failure. */
    CompletableFuture<InferenceResult> attempt;

    Request(long id, ModelDescriptor model, Map<String, Tensor> inputs, InferenceOptions options, long now) {
        this.id = id;
        this.model = model;
        this.inputs = Map.copyOf(inputs);
        this.options = options;
        this.ep = options.executionProvider();
        this.submittedNanos = now;
        this.deadlineNanos = now + options.timeout().toNanos();
    }

    boolean isDone() {
        return ended.get();
    }

    double msSinceSubmit(long now) {
        return (now - submittedNanos) / 1e6;
    }
}
