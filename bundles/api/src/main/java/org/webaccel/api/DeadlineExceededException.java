package org.webaccel.api;

import org.webaccel.api.health.FailureClass;

/**
 * Thrown when the request's deadline passed before it completed: in the queue ({@link
 * FailureClass#DEADLINE_EXCEEDED}, it never ran) or while a page ran it ({@link FailureClass#HANG}).
 */
public class DeadlineExceededException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in terms the caller can act on; the request never ran */
    public DeadlineExceededException(String message) {
        this(message, FailureClass.DEADLINE_EXCEEDED);
    }

    /**
     * @param message what went wrong, in terms the caller can act on
     * @param failureClass {@link FailureClass#DEADLINE_EXCEEDED} or {@link FailureClass#HANG}
     */
    public DeadlineExceededException(String message, FailureClass failureClass) {
        super(message, failureClass);
    }
}
