package org.webaccel.api;

/** The base of every error a request can end with; the subclass names its class. */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public InferenceException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying error
     */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
