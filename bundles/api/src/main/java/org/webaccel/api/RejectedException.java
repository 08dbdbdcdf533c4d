package org.webaccel.api;

import org.webaccel.api.health.FailureClass;

/** Thrown when the pool refused the request at submission, e.g. because its queue is full. */
public class RejectedException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in terms the caller can act on */
    public RejectedException(String message) {
        super(message, FailureClass.REJECTED);
    }
}
