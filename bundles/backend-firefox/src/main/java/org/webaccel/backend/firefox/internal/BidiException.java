package org.webaccel.backend.firefox.internal;

/**
 * A WebDriver BiDi command failed: the browser answered with an error, did not answer in time, or the
 * connection is gone.
 */
final class BidiException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The error code for failures that did not come from the browser (timeouts, a closed connection). */
    static final String NO_ANSWER = "no answer";

    private final String error;

    /**
     * @param error the BiDi error code, e.g. {@code no such frame}, or {@link #NO_ANSWER}
     * @param message the browser's message or what went wrong
     */
    BidiException(String error, String message) {
        super(error + ": " + message);
        this.error = error;
    }

    /** @return the BiDi error code, e.g. {@code unknown error}, or {@link #NO_ANSWER} */
    String error() {
        return error;
    }
}
