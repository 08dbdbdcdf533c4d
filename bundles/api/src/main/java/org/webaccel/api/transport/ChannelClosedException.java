package org.webaccel.api.transport;

/** The page's WebSocket closed before the request completed. */
public class ChannelClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message why the channel closed */
    public ChannelClosedException(String message) {
        super(message);
    }
}
