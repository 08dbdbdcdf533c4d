package org.webaccel.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run one inference.
 *
 * @param executionProvider where in the page the model runs
 * @param timeout how long the request may take from submission to result, queue wait included; past it the
 *        request fails with {@link DeadlineExceededException} and, if still queued, is never run
 * @param priority queued requests with a higher priority are served first (equal ones in arrival order);
 *        0 is the default
 * @param backend the backend or browser family to run on, required or preferred; null for any
 */
public record InferenceOptions(ExecutionProvider executionProvider, Duration timeout, int priority,
        BackendChoice backend) {

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

    /**
     * Options for any backend.
     *
     * @param executionProvider where in the page the model runs
     * @param timeout the deadline, from submission
     * @param priority higher first
     */
    public InferenceOptions(ExecutionProvider executionProvider, Duration timeout, int priority) {
        this(executionProvider, timeout, priority, null);
    }

    /**
     * Options with the default priority 0.
     *
     * @param executionProvider where in the page the model runs
     * @param timeout the deadline, from submission
     */
    public InferenceOptions(ExecutionProvider executionProvider, Duration timeout) {
        this(executionProvider, timeout, 0);
    }

    /** @return wasm with the default timeout and priority */
    public static InferenceOptions defaults() {
        return new InferenceOptions(ExecutionProvider.WASM, DEFAULT_TIMEOUT, 0, null);
    }

    /** @return these options with another priority */
    public InferenceOptions withPriority(int p) {
        return new InferenceOptions(executionProvider, timeout, p, backend);
    }

    /** @return these options with another execution provider */
    public InferenceOptions withExecutionProvider(ExecutionProvider ep) {
        return new InferenceOptions(ep, timeout, priority, backend);
    }

    /** @return these options with another timeout */
    public InferenceOptions withTimeout(Duration t) {
        return new InferenceOptions(executionProvider, t, priority, backend);
    }

    /** @return these options with another backend choice; null for any backend */
    public InferenceOptions withBackend(BackendChoice b) {
        return new InferenceOptions(executionProvider, timeout, priority, b);
    }
}
