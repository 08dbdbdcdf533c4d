package org.webaccel.api;

/** Thrown when the request's deadline passed before it completed. */
public class DeadlineExceededException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in terms the caller can act on */
    public DeadlineExceededException(String message) {
        super(message);
    }
}
