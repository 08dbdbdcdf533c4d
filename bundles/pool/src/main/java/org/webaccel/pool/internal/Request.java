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
    /** Dropped when the request ends ({@link #release}), so that nothing left holding the request holds them. */
    volatile Map<String, Tensor> inputs;
    /** The inputs' size in bytes, counted against the pool's request memory while the request is in flight. */
    final long inputBytes;
    /** The first dimension of the first input when the model names it {@code batch}, else 1. */
    final int batchSize;
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
    /** The provider the caller asked for; {@link ExecutionProvider#AUTO} lets placement choose. */
    final ExecutionProvider requested;
    /**
     * Written under the dispatcher's lock: the provider to run on. It is the requested one, or the one
     * placement chose for this attempt, or wasm once the chosen one could not run the model.
     */
    volatile ExecutionProvider ep;
    /** Guarded by the dispatcher's lock: the provider failed with an unsupported operator; stay on wasm. */
    boolean fellBack;
    /** Guarded by the dispatcher's lock: a worker is running this request now (counted per model). */
    boolean running;
    /** Guarded by the dispatcher's lock: the joined request this one runs in, while it does. */
    Request batch;
    /**
     * For a joined request: the requests it joins and the attempts it completes, in order; null for a request a
     * caller submitted.
     */
    java.util.List<Request> members;
    java.util.List<CompletableFuture<InferenceResult>> memberAttempts;
    /** Guarded by the dispatcher's lock: backends that cannot run this request (unsupported operator). */
    final Set<String> avoidBackends = new HashSet<>();
    /** Guarded by the dispatcher's lock: the current attempt, completed by its worker or its failure. */
    CompletableFuture<InferenceResult> attempt;
    /** Inputs read from shared tensors (input name to tensor id); set before submission. */
    Map<String, String> references = Map.of();
    /** The worker that holds the referenced tensors, where the request must run; null when it references none. */
    String holder;
    /** Outputs to keep in the page (output name to tensor id); set before submission. */
    Map<String, String> keep = Map.of();
    /** Set by the successful attempt when it kept outputs: what its page kept, and that page's channel. */
    volatile java.util.List<org.webaccel.api.transport.KeptTensor> kept = java.util.List.of();
    volatile org.webaccel.api.transport.WorkerChannel keptOn;
    /** The bytes it holds of the pool's request memory, from admission until it ends. */
    final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();
    /** The timer that ends the request at its deadline; cancelled (and removed) when the request ends first. */
    volatile java.util.concurrent.Future<?> deadlineTimer;

    Request(long id, ModelDescriptor model, Map<String, Tensor> inputs, InferenceOptions options, long now) {
        this.id = id;
        this.model = model;
        this.inputs = Map.copyOf(inputs);
        this.inputBytes = this.inputs.values().stream().mapToLong(Tensor::byteSize).sum();
        this.batchSize = batchSize(model, this.inputs);
        this.options = options;
        this.requested = options.executionProvider();
        this.ep = requested;
        this.submittedNanos = now;
        this.deadlineNanos = now + options.timeout().toNanos();
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
     * The request has ended: its timer is cancelled and its inputs dropped, so that whatever still refers to
     * the request (a page that answers late, a timer of its batch) holds a few fields, not its tensors.
     */
    void release() {
        java.util.concurrent.Future<?> timer = deadlineTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        inputs = Map.of();
    }

    boolean isDone() {
        return ended.get();
    }

    double msSinceSubmit(long now) {
        return (now - submittedNanos) / 1e6;
    }
}
