package org.webaccel.api.spi;

/** A backend could not launch a browser or open a page. */
public class BackendException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what failed */
    public BackendException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause the driver's error
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
