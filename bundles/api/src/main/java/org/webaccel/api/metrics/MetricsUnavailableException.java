package org.webaccel.api.metrics;

/** A query could not be answered because the metrics database is not available; the message says why. */
public class MetricsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and what to check
     * @param cause the underlying failure, or null
     */
    public MetricsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
