package org.webaccel.bridge;

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
}
