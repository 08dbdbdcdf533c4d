package org.webaccel.api.quantization;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;

/**
 * Measures models in the browsers through the pool: size, session creation, latency, and accuracy
 * against a reference model (normally the float model a variant came from) on a fixed, seeded input set.
 */
@ProviderType
public interface VariantEvaluator {

    /**
     * @param reference {@code name[:version]} whose outputs count as right
     * @param models {@code name[:version]} of the models to compare with it (same inputs and outputs)
     * @param executionProvider where to run
     * @param inputs how many seeded inputs; each model runs each once after one warm-up
     * @param seed seed of the inputs
     * @return the reference first, then each model, in order
     * @throws InferenceException when a request fails (its own subclass says why)
     * @throws IllegalArgumentException when a model is unknown or its signature differs from the reference's
     */
    List<VariantMeasurement> evaluate(String reference, List<String> models, ExecutionProvider executionProvider,
            int inputs, long seed) throws InferenceException, InterruptedException;
}
