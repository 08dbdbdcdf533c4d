package org.webaccel.api.transport;

import java.net.URI;
import org.osgi.annotation.versioning.ProviderType;

/** The HTTP and WebSocket endpoint that worker pages load from and talk to. */
@ProviderType
public interface WorkerBridge {

    /** @return the base URI pages are served from, e.g. {@code http://127.0.0.1:41234/} */
    URI baseUri();

    /**
     * Issues a worker page URL with a fresh random token. The page at that URL connects back by WebSocket;
     * only a connection that presents this token is accepted, and only once.
     *
     * @param workerId the pool's id for the worker
     * @return the endpoint, whose {@link WorkerEndpoint#connected()} completes when the page has said hello
     */
    WorkerEndpoint openEndpoint(String workerId);

    /** The faults {@link #injectFault} can make a page commit. */
    enum Fault {
        /** The page runs a busy loop forever: it stops answering, its socket stays open. */
        BUSY_LOOP,
        /** The page closes its WebSocket. */
        CLOSE_SOCKET
    }

    /**
     * Makes a connected page commit a fault, for fault-injection tests. Refused unless the bridge's
     * {@code faultInjection} setting is on.
     *
     * @param workerId a connected worker
     * @param fault what the page does
     * @throws IllegalStateException when fault injection is off
     * @throws IllegalArgumentException when no page of that worker is connected
     */
    void injectFault(String workerId, Fault fault);
}
