package org.webaccel.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.webaccel.api.tensor.Tensor;

/**
 * The answer to one inference, computed in a browser page.
 *
 * @param model the model id, {@code name:version}
 * @param outputs output tensors by name, in the model's output order
 * @param timings where the time went
 * @param worker the id of the worker (page) that computed it
 * @param backend the backend that runs that worker's browser
 * @param executionProvider the execution provider that computed it
 */
public record InferenceResult(String model, Map<String, Tensor> outputs, Timings timings, String worker,
        String backend, ExecutionProvider executionProvider) {

    /** Copies the outputs, keeping their order. */
    public InferenceResult {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /**
     * @param name an output name
     * @return that output
     * @throws IllegalArgumentException naming the outputs that exist
     */
    public Tensor output(String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no output '" + name + "'; outputs are " + outputs.keySet());
        }
        return t;
    }
}
