package org.webaccel.api;

import java.time.Instant;

/**
 * A model that cannot be loaded on an execution provider of a backend: ONNX Runtime Web could not create its
 * session there (an operator it lacks, a graph it cannot resolve). The pages of one backend run the same browser
 * and ONNX Runtime Web build, so the pool records this once per model version, backend and provider, places the
 * model there no more (another backend's pages may still load it), and forgets it when the model is loaded anew
 * (reloaded, or its files changed).
 *
 * @param model the model as {@code name:version}
 * @param backend the backend whose page could not create the session, e.g. {@code chromium}
 * @param provider the provider the session could not be created on
 * @param reason what ONNX Runtime Web said
 * @param since when the pool recorded it
 */
public record SessionFailure(String model, String backend, ExecutionProvider provider, String reason,
        Instant since) {

    /** @return {@code model M is not loadable on provider P: REASON (backend B)} */
    @Override
    public String toString() {
        return "model " + model + " is not loadable on provider " + provider + ": " + reason + " (backend " + backend
                + ")";
    }
}
