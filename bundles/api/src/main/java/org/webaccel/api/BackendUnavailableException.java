package org.webaccel.api;

/**
 * Thrown when a request requires a backend ({@link BackendChoice#required()}) that cannot take it now: it is
 * unavailable on this machine, out of service after failed launches, or drained. The request was never queued.
 */
public class BackendUnavailableException extends RejectedException {
    private static final long serialVersionUID = 1L;
    private final String backend;

    /**
     * @param backend the backend name or family the request required
     * @param message why no matching backend can take the request, in terms the caller can act on
     */
    public BackendUnavailableException(String backend, String message) {
        super(message);
        this.backend = backend;
    }

    /** @return the backend name or family the request required */
    public String backend() {
        return backend;
    }
}
