package org.webaccel.pool.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedTensor;

/**
 * What the pool offers its own tensor sharing ({@link SharedTensors}), as a service inside this bundle: runs
 * of requests that read inputs from tensors a page holds and keep outputs there.
 */
interface SharedRuns {

    /**
     * @param model {@code name} or {@code name:version}
     * @param inputs inputs sent as bytes
     * @param references inputs read from tensors a page holds, by input name: all on one page, where the request
     *        then runs
     * @param keep outputs to keep in the page: output name to the id to keep it under
     * @param adopt inputs sent as bytes that the page keeps once the run succeeds (tensors moved from another
     *        page): input name to the tensor's id
     * @return completes with the run (what the page kept, and its channel), or fails as the request did
     */
    CompletableFuture<Ran> run(String model, Map<String, Tensor> inputs, InferenceOptions options,
            Map<String, SharedTensor> references, Map<String, String> keep, Map<String, String> adopt);

    /**
     * Whether a request that reads tensors held by {@code holder} had better run elsewhere, with the tensors
     * moved: the holder's backend is not one the request may run on, or the holder is busy while another worker
     * that may run it is idle.
     *
     * @param holder the worker that holds the tensors
     * @param options the request's options (provider, backend choice)
     * @return false also when the holder is gone (the request then fails as it would)
     */
    boolean preferElsewhere(String holder, InferenceOptions options);
}
