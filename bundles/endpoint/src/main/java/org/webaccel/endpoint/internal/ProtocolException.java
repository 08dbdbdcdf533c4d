package org.webaccel.endpoint.internal;

/**
 * A request the endpoint refuses before it reaches the pool (malformed JSON, a datatype WebAccel cannot carry,
 * a body over the size limit, ...), with the HTTP status it answers with.
 */
final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param status the HTTP status of the answer
     * @param message what is wrong, in terms the client can act on
     */
    ProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return a 400 Bad Request with this message */
    static ProtocolException badRequest(String message) {
        return new ProtocolException(400, message);
    }

    /** @return the HTTP status */
    int status() {
        return status;
    }
}
