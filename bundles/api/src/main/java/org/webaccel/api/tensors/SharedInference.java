package org.webaccel.api.tensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.webaccel.api.InferenceResult;

/**
 * The answer to an inference run through {@link TensorSharing}: the outputs sent back, and the outputs kept in
 * the page.
 *
 * @param result the outputs that were not kept, with timings, worker and execution provider
 * @param kept the kept outputs by output name; each holds one reference owned by the caller
 */
public record SharedInference(InferenceResult result, Map<String, SharedTensor> kept) {

    /** Copies the kept map, keeping its order. */
    public SharedInference {
        kept = Collections.unmodifiableMap(new LinkedHashMap<>(kept));
    }

    /**
     * @param output an output name that was kept
     * @return its handle
     * @throws IllegalArgumentException naming the kept outputs, when that one was not kept
     */
    public SharedTensor kept(String output) {
        SharedTensor t = kept.get(output);
        if (t == null) {
            throw new IllegalArgumentException("output '" + output + "' was not kept; kept are " + kept.keySet());
        }
        return t;
    }
}
