package org.webaccel.api;

import org.webaccel.api.health.FailureClass;

/** Thrown when no model of that name (and version) is in the repository. */
public class ModelNotFoundException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in terms the caller can act on */
    public ModelNotFoundException(String message) {
        super(message, FailureClass.INVALID_INPUT);
    }
}
