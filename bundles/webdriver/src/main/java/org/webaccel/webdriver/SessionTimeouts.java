package org.webaccel.webdriver;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a session's work may take.
 *
 * @param start starting the driver (local sessions) and creating the session
 * @param command one call: loading a page, running a script, closing a tab; also the page-load and script
 *        timeouts of the session itself
 * @param watchInterval how often the session's windows are listed: tabs closed by someone else are reported
 *        as page deaths, a session that no longer answers as the browser's death
 */
public record SessionTimeouts(Duration start, Duration command, Duration watchInterval) {

    /** Checks that every duration is positive. */
    public SessionTimeouts {
        positive(start, "start");
        positive(command, "command");
        positive(watchInterval, "watchInterval");
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
