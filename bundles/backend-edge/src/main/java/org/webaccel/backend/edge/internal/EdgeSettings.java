package org.webaccel.backend.edge.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.SessionTimeouts;

/**
 * The backend's settings as plain values, read once from {@link EdgeConfig}; tests build them directly.
 *
 * @param edgeExecutable the configured Edge executable, or empty to search {@code searchPath}
 * @param driverExecutable the configured msedgedriver, or empty to search {@code searchPath}
 * @param searchPath the PATH to search, as the operating system writes it
 * @param extraArguments switches added after the built-in ones
 * @param webgpu whether to pass {@code --enable-unsafe-webgpu}
 * @param headless whether to run without a window
 * @param timeouts the sessions' timeouts
 * @param probeTimeout how long {@code --version} may take
 */
public record EdgeSettings(Optional<Path> edgeExecutable, Optional<Path> driverExecutable, String searchPath,
        List<String> extraArguments, boolean webgpu, boolean headless, SessionTimeouts timeouts,
        Duration probeTimeout) {

    /** Checks the fields and copies the list. */
    public EdgeSettings {
        Objects.requireNonNull(edgeExecutable, "edgeExecutable");
        Objects.requireNonNull(driverExecutable, "driverExecutable");
        searchPath = searchPath == null ? "" : searchPath;
        extraArguments = List.copyOf(extraArguments);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
    }

    /**
     * @param config the component's configuration
     * @param searchPath the PATH to search when no executable is configured
     * @return the settings
     */
    public static EdgeSettings from(EdgeConfig config, String searchPath) {
        return new EdgeSettings(path(config.edgeExecutable()), path(config.edgeDriverExecutable()), searchPath,
                List.of(config.arguments()), config.webgpu(), config.headless(),
                new SessionTimeouts(Duration.ofMillis(config.startTimeoutMillis()),
                        Duration.ofMillis(config.commandTimeoutMillis()), Duration.ofMillis(config.watchIntervalMillis())),
                Duration.ofMillis(config.probeTimeoutMillis()));
    }

    /**
     * @param edge the Edge executable found
     * @return what a session asks msedgedriver for
     */
    BrowserOptions browser(Path edge) {
        List<String> arguments = new ArrayList<>();
        if (headless) {
            arguments.add("--headless");
        }
        arguments.addAll(BrowserOptions.CHROMIUM_QUIET_SWITCHES);
        if (webgpu) {
            arguments.add("--enable-unsafe-webgpu");
        }
        arguments.addAll(extraArguments);
        return BrowserOptions.of(BrowserOptions.EDGE, edge.toString(), arguments);
    }

    private static Optional<Path> path(String configured) {
        return configured == null || configured.isBlank() ? Optional.empty() : Optional.of(Path.of(configured.trim()));
    }
}
