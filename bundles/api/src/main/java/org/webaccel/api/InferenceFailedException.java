package org.webaccel.api;

import org.webaccel.api.health.FailureClass;

/** Thrown when the request was run but did not produce a result, after all the attempts it was allowed. */
public class InferenceFailedException extends InferenceException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    /**
     * @param message what went wrong on the last attempt
     * @param failureClass the class of the last attempt's failure
     * @param attempts how many times the request was run
     * @param cause the last attempt's error, or null
     */
    public InferenceFailedException(String message, FailureClass failureClass, int attempts, Throwable cause) {
        super(message + " [" + failureClass.id() + "] (after " + attempts
                + (attempts == 1 ? " attempt)" : " attempts)"), failureClass, cause);
        this.attempts = attempts;
    }

    /** @return how many times the request was run */
    public int attempts() {
        return attempts;
    }
}
