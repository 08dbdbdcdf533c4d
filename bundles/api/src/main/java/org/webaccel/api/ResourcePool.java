package org.webaccel.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.webaccel.api.health.FailureClass;
import org.osgi.annotation.versioning.ProviderType;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/**
 * The pool of browser workers that computes inferences.
 *
 * <p>Every request the pool accepts ends exactly once: with an {@link InferenceResult}, or with an
 * {@link InferenceException} subclass that names what went wrong.
 */
@ProviderType
public interface ResourcePool {

    /**
     * Submits an inference. Input problems are found before anything is queued, and the returned stage then
     * fails at once with {@link InvalidInputException}; an unknown model fails it with
     * {@link ModelNotFoundException}; a full queue with {@link RejectedException}.
     *
     * @param model {@code name} or {@code name:version}
     * @param inputs one tensor per model input, by input name
     * @param options execution provider and deadline
     * @return a stage that completes with the result, or exceptionally with an {@link InferenceException}
     */
    CompletionStage<InferenceResult> infer(String model, Map<String, Tensor> inputs, InferenceOptions options);

    /**
     * Submits every call of the list at once, in the list's order, and gathers their outcomes. Calls run
     * concurrently as workers allow; each ends on its own, with its result or its own error, and one call's
     * failure never fails the others. Each call is one {@link #infer} call: the same checks, deadline and
     * retries.
     *
     * @param calls the inferences to run
     * @return a stage that completes, when every call has ended, with one outcome per call in the list's
     *         order; it never completes exceptionally
     */
    default CompletionStage<List<CallOutcome>> inferAll(List<InferenceCall> calls) {
        List<CompletableFuture<CallOutcome>> outcomes = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            int index = i;
            InferenceCall c = calls.get(i);
            CompletableFuture<InferenceResult> run;
            try {
                run = c == null ? CompletableFuture.failedFuture(new InvalidInputException("call " + i + " is null"))
                        : infer(c.model(), c.inputs(), c.options()).toCompletableFuture();
            } catch (RuntimeException e) {
                run = CompletableFuture.failedFuture(e);
            }
            outcomes.add(run.handle((result, error) -> result != null ? new CallOutcome(index, result, null)
                    : new CallOutcome(index, null, asInferenceException(index, error))));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(done -> outcomes.stream().map(CompletableFuture::join).toList());
    }

    private static InferenceException asInferenceException(int index, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof InferenceException e ? e
                : new InferenceFailedException("call " + index + " failed: " + cause, FailureClass.MODEL_ERROR, 0,
                        cause);
    }

    /** @return the models the pool can run */
    List<ModelDescriptor> models();

    /** @return the pool's counters */
    PoolStatus status();

    /** @return every worker, starting ones included */
    List<WorkerInfo> workers();

    /** @return every backend the pool knows of, available or not */
    List<BackendStatus> backends();

    /**
     * Drains a backend: its workers take no new requests, finish the ones they run, and close; queued
     * requests go to other workers. The backend stays drained until {@link #resume(String)}.
     *
     * @param backend the backend's name
     * @throws IllegalArgumentException naming the backends that exist, when there is no such backend
     */
    void drain(String backend);

    /**
     * Puts a drained backend back into service: the pool opens its workers again.
     *
     * @param backend the backend's name
     * @throws IllegalArgumentException naming the backends that exist, when there is no such backend
     */
    void resume(String backend);

    /** @return how loaded the pool is now: running, queued, recently rejected, capacity, CPU and memory */
    Pressure pressure();

    /** @return the adaptive scaling controller's bounds, targets and recent decisions */
    Scaling scaling();

    /**
     * @return the memory the pool's requests hold against its budget; callers that keep results for a while
     *         (a server writing them to slow clients) count them here
     */
    RequestMemory requestMemory();

    /**
     * @return the models whose session could not be created on an execution provider, one entry per model
     *         version and provider; the pool places none of them on that provider until the model is loaded
     *         anew
     * @since 1.7
     */
    default List<SessionFailure> sessionFailures() {
        return List.of();
    }
}
