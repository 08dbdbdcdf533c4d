package org.webaccel.api.quantization;

import org.webaccel.api.ExecutionProvider;

/**
 * One model measured in the browsers against a reference model on the same inputs.
 *
 * @param model {@code name:version}
 * @param bytes the model file's size
 * @param loadMs the page's session creation for this model, from the first request that created it, on a
 *        page whose ONNX Runtime Web had already started (another model ran there first); NaN when every
 *        page already held the session
 * @param latencyMs the median compute time of the requests that found the session loaded
 * @param maxAbsError the largest absolute difference of any output value from the reference's
 * @param minCosine the lowest cosine similarity of any output of any input to the reference's; an output of one
 *        value per input (a score) is compared over all the inputs together, since the cosine of one value is only
 *        its sign
 * @param runs how many requests were measured
 * @param executionProvider where they ran
 * @param backend the backend of the workers that ran them
 */
public record VariantMeasurement(String model, long bytes, double loadMs, double latencyMs, double maxAbsError,
        double minCosine, int runs, ExecutionProvider executionProvider, String backend) {
}
