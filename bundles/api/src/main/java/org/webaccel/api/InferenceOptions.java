package org.webaccel.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run one inference.
 *
 * @param executionProvider where in the page the model runs
 * @param timeout how long the request may take from submission to result, queue wait included; past it the
 *        request fails with {@link DeadlineExceededException} and, if still queued, is never run
 */
public record InferenceOptions(ExecutionProvider executionProvider, Duration timeout) {

    /** The default deadline: generous enough for a cold page to compile ONNX Runtime and load a model. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Checks the fields. */
    public InferenceOptions {
        Objects.requireNonNull(executionProvider, "executionProvider");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** @return wasm with the default timeout */
    public static InferenceOptions defaults() {
        return new InferenceOptions(ExecutionProvider.WASM, DEFAULT_TIMEOUT);
    }

    /** @return these options with another execution provider */
    public InferenceOptions withExecutionProvider(ExecutionProvider ep) {
        return new InferenceOptions(ep, timeout);
    }

    /** @return these options with another timeout */
    public InferenceOptions withTimeout(Duration t) {
        return new InferenceOptions(executionProvider, t);
    }
}
