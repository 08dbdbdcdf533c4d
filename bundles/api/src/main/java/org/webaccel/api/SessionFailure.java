package org.webaccel.api;

import java.time.Instant;

/**
 * A model that cannot be loaded on an execution provider: ONNX Runtime Web could not create its session there
 * (an operator it lacks, a graph it cannot resolve). Every page runs the same ONNX Runtime Web build, so the
 * pool records this once per model version and provider, places the model on that provider no more, and
 * forgets it when the model is loaded anew (reloaded, or its files changed).
 *
 * @param model the model as {@code name:version}
 * @param provider the provider the session could not be created on
 * @param reason what ONNX Runtime Web said
 * @param since when the pool recorded it
 */
public record SessionFailure(String model, ExecutionProvider provider, String reason, Instant since) {

    /** @return {@code model M is not loadable on provider P: REASON} */
    @Override
    public String toString() {
        return "model " + model + " is not loadable on provider " + provider + ": " + reason;
    }
}
