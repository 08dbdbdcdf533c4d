package org.webaccel.api.transport;

import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** A worker page URL waiting for its page to connect. */
@ProviderType
public interface WorkerEndpoint {

    /** @return the pool's id for the worker */
    String workerId();

    /** @return the URL to open in a browser page; it carries the token */
    URI pageUrl();

    /** @return completes with the channel once the page has connected and reported its capabilities */
    CompletionStage<WorkerChannel> connected();

    /** Revokes the token: a page that has not connected yet never will. */
    void revoke();
}
