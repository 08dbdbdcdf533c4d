package org.webaccel.bridge;

import java.util.Map;

/**
 * What a page returned for one run.
 *
 * @param outputs output tensors by name, in the order the page sent them
 * @param computeMs {@code session.run} plus reading the outputs, by the page's clock
 * @param loadMs creating the session, when this run had to (0 otherwise)
 * @param roundTripMs from sending the request frame until the result frame was decoded, by the JVM's clock
 */
public record PageResult(Map<String, org.webaccel.api.tensor.Tensor> outputs, double computeMs, double loadMs,
        double roundTripMs) {
}
