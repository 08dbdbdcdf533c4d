package org.webaccel.api;

import org.webaccel.api.health.FailureClass;

/** Thrown when the inputs do not match the model's signature; never retried. */
public class InvalidInputException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in terms the caller can act on */
    public InvalidInputException(String message) {
        super(message, FailureClass.INVALID_INPUT);
    }
}
