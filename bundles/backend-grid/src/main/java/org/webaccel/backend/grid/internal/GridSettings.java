package org.webaccel.backend.grid.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.SessionTimeouts;

/**
 * The backend's settings as plain values, read once from {@link GridConfig}; tests build them directly.
 *
 * @param gridUrl the Grid's URL as configured, or empty
 * @param browsers the W3C browser names asked for, in turn
 * @param maxSessions the most sessions at once
 * @param browserArguments the switches each browser gets
 * @param browserBinary the browser on the nodes, or empty
 * @param timeouts the sessions' timeouts
 * @param statusTimeout how long asking /status may take
 * @param statusCache how long a status answer is reused
 */
public record GridSettings(String gridUrl, List<String> browsers, int maxSessions, List<String> browserArguments,
        String browserBinary, SessionTimeouts timeouts, Duration statusTimeout, Duration statusCache) {

    /** Checks the fields and copies the lists. */
    public GridSettings {
        gridUrl = gridUrl == null ? "" : gridUrl.trim();
        browsers = List.copyOf(browsers);
        if (browsers.isEmpty()) {
            throw new IllegalArgumentException("no browser to ask the Grid for: configure browsers, e.g. chrome");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1: " + maxSessions);
        }
        browserArguments = List.copyOf(browserArguments);
        browserBinary = browserBinary == null ? "" : browserBinary.trim();
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(statusTimeout, "statusTimeout");
        Objects.requireNonNull(statusCache, "statusCache");
    }

    /**
     * @param config the component's configuration
     * @return the settings
     */
    public static GridSettings from(GridConfig config) {
        return new GridSettings(config.gridUrl(),
                List.of(config.browsers()).stream().map(String::trim).filter(b -> !b.isEmpty()).toList(),
                config.maxSessions(), List.of(config.browserArguments()), config.browserBinary(),
                new SessionTimeouts(Duration.ofMillis(config.startTimeoutMillis()),
                        Duration.ofMillis(config.commandTimeoutMillis()), Duration.ofMillis(config.watchIntervalMillis())),
                Duration.ofMillis(config.statusTimeoutMillis()), Duration.ofMillis(config.statusCacheMillis()));
    }

    /**
     * @return the Grid's URL
     * @throws IllegalArgumentException with what is wrong: no URL, or not an http(s) URL
     */
    URI grid() {
        if (gridUrl.isEmpty()) {
            throw new IllegalArgumentException("no grid URL configured (gridUrl of " + GridBackend.PID + ")");
        }
        try {
            URI uri = new URI(gridUrl);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the expected form
        }
        throw new IllegalArgumentException("gridUrl '" + gridUrl + "' is not an http(s) URL such as http://grid:4444");
    }

    /** @return what a session asks the Grid for */
    BrowserOptions browser(String browserName) {
        return BrowserOptions.of(browserName, browserBinary, browserArguments);
    }

    private static URI gridUri(String url) {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("gridUrl must be an http(s) URL such as http://grid:4444, not '" + url + "'");
        }
        return uri;
    }
}
