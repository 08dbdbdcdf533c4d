package org.webaccel.api;

import java.util.Map;
import java.util.Objects;
import org.webaccel.api.tensor.Tensor;

/**
 * One inference of a list given to {@link ResourcePool#inferAll}.
 *
 * @param model {@code name} or {@code name:version}
 * @param inputs one tensor per model input, by input name
 * @param options execution provider, deadline, priority and backend choice
 */
public record InferenceCall(String model, Map<String, Tensor> inputs, InferenceOptions options) {

    /** Checks the fields. */
    public InferenceCall {
        Objects.requireNonNull(model, "model");
        inputs = Map.copyOf(Objects.requireNonNull(inputs, "inputs"));
        Objects.requireNonNull(options, "options");
    }
}
