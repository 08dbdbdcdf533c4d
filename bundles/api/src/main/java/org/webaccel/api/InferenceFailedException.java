package org.webaccel.api;

/** Thrown when the request was run but did not produce a result, after all the attempts it was allowed. */
public class InferenceFailedException extends InferenceException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    /**
     * @param message what went wrong on the last attempt
     * @param attempts how many times the request was run
     * @param cause the last attempt's error, or null
     */
    public InferenceFailedException(String message, int attempts, Throwable cause) {
        super(message + " (after " + attempts + (attempts == 1 ? " attempt)" : " attempts)"), cause);
        this.attempts = attempts;
    }

    /** @return how many times the request was run */
    public int attempts() {
        return attempts;
    }
}
