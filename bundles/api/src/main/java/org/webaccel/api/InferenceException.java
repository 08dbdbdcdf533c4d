package org.webaccel.api;

import java.util.Objects;
import org.webaccel.api.health.FailureClass;

/** The base of every error a request can end with; {@link #failureClass()} names its class. */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final FailureClass failureClass;

    /**
     * @param message what went wrong
     * @param failureClass the class of the failure
     */
    public InferenceException(String message, FailureClass failureClass) {
        this(message, failureClass, null);
    }

    /**
     * @param message what went wrong
     * @param failureClass the class of the failure
     * @param cause the underlying error, or null
     */
    public InferenceException(String message, FailureClass failureClass, Throwable cause) {
        super(message, cause);
        this.failureClass = Objects.requireNonNull(failureClass, "failureClass");
    }

    /** @return the class of the failure: what went wrong, in the terms the pool's counters use */
    public FailureClass failureClass() {
        return failureClass;
    }
}
