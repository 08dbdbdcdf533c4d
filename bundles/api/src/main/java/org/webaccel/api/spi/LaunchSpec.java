package org.webaccel.api.spi;

import java.util.Objects;

/**
 * What the pool asks of a launch.
 *
 * @param id the id the pool gives the browser
 * @param events where the backend reports deaths
 */
public record LaunchSpec(String id, BrowserEvents events) {

    /** Checks the fields. */
    public LaunchSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(events, "events");
    }
}
