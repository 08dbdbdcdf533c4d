package org.webaccel.pool.internal;

import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;

/**
 * How one turn of a request failed, as {@link Retries} reads it: the error the request ends with if it is
 * not retried, and where the run was (the backend and provider), for a fallback.
 */
final class TurnFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient InferenceException error;
    /** The backend whose worker ran it, or null when it never ran (expired in the queue, say). */
    final String backend;
    final ExecutionProvider ranOn;

    TurnFailed(InferenceException error, String backend, ExecutionProvider ranOn) {
        super(error.getMessage(), null, false, false);
        this.error = error;
        this.backend = backend;
        this.ranOn = ranOn;
    }

    /** A failure that did not happen on a worker. */
    TurnFailed(InferenceException error) {
        this(error, null, null);
    }
}
