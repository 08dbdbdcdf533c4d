package org.webaccel.api.transport;

import java.util.Map;

/**
 * What a page returned for one run.
 *
 * @param outputs output tensors by name, in the order the page sent them
 * @param computeMs {@code session.run} plus reading the outputs, by the page's clock
 * @param loadMs creating the session, when this run had to (0 otherwise)
 * @param roundTripMs from sending the request frame until the result frame was decoded, by the JVM's clock
 * @param kept the outputs the page kept (see {@link WorkerChannel#run(org.webaccel.api.model.ModelDescriptor,
 *        org.webaccel.api.ExecutionProvider, Map, java.util.List, Map, Map)}); not among {@code outputs}
 */
public record PageResult(Map<String, org.webaccel.api.tensor.Tensor> outputs, double computeMs, double loadMs,
        double roundTripMs, java.util.List<KeptTensor> kept) {

    /** A result that kept nothing. */
    public PageResult(Map<String, org.webaccel.api.tensor.Tensor> outputs, double computeMs, double loadMs,
            double roundTripMs) {
        this(outputs, computeMs, loadMs, roundTripMs, java.util.List.of());
    }

    /** Copies the kept list. */
    public PageResult {
        kept = java.util.List.copyOf(kept);
    }
}
