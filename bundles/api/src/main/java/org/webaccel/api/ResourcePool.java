package org.webaccel.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
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
}
