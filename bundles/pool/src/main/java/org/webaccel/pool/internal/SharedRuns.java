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
     * @return completes with the run (what the page kept, and its channel), or fails as the request did
     */
    CompletableFuture<Ran> run(String model, Map<String, Tensor> inputs, InferenceOptions options,
            Map<String, SharedTensor> references, Map<String, String> keep);
}
