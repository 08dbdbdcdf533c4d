package org.webaccel.api.health;

/**
 * Why a request failed, on a worker or before it reached one. The class decides whether the failure says anything about the worker's
 * health: a worker that is handed bad input or a broken model is not at fault.
 */
public enum FailureClass {
    /** The page's connection to the bridge was lost while it ran the request. */
    CONNECTION_LOST(true),
    /** The browser process died. */
    BROWSER_CRASH(true),
    /** The page (renderer) crashed while the browser lived on. */
    PAGE_CRASH(true),
    /**
     * The page stopped answering: it was still running the request at its deadline, or it missed its
     * heartbeats.
     */
    HANG(true),
    /** The page ran out of memory (allocation failure in wasm, lost GPU device). */
    OUT_OF_MEMORY(true),
    /**
     * The model uses an operator or execution provider the page cannot run. This is a property of the
     * backend's browser and provider, not of one worker, so it does not count against the worker; the pool
     * falls back to another provider or backend instead.
     */
    UNSUPPORTED_OPERATOR(false),
    /** The request's input does not fit the model; the same input fails on every worker. */
    INVALID_INPUT(false),
    /**
     * The model itself failed (its session could not be created or it raised an error while running); the
     * same model fails the same way on every worker, so one broken model must not open every breaker.
     */
    MODEL_ERROR(false),
    /** The request waited in the queue past its deadline without a worker that could run it; it never ran. */
    DEADLINE_EXCEEDED(false),
    /** The pool refused the request at submission: its queue was full or it was stopping. */
    REJECTED(false),
    /** The pool stopped before the request could end. */
    SHUTDOWN(false);

    private final boolean countsAgainstWorker;

    FailureClass(boolean countsAgainstWorker) {
        this.countsAgainstWorker = countsAgainstWorker;
    }

    /** @return the class as counters and messages name it, e.g. {@code connection_lost} */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @return true when this failure counts against the worker and its backend (breakers and health score);
     *         false for failures that would happen on any worker
     */
    public boolean countsAgainstWorker() {
        return countsAgainstWorker;
    }
}
