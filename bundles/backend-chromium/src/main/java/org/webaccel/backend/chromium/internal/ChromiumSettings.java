package org.webaccel.backend.chromium.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The backend's settings as plain values, read once from {@link ChromiumConfig}; tests build them directly.
 *
 * @param executable the Chromium binary
 * @param extraArguments switches added after the built-in ones
 * @param webgpu whether to enable WebGPU
 * @param headless whether to run without a window
 * @param launchTimeout how long starting the driver and the browser may take
 * @param navigationTimeout how long a page may take until its navigation commits
 * @param node the Node.js binary that runs Playwright's driver
 * @param driverDirectory where the driver's JavaScript is unpacked
 */
public record ChromiumSettings(Path executable, List<String> extraArguments, boolean webgpu, boolean headless,
        Duration launchTimeout, Duration navigationTimeout, Path node, Path driverDirectory) {

    /**
     * Without these Chromium phones home, floods a closed network with connections and shows first-run
     * UI; the sandbox needs kernel features that containers usually lack.
     */
    private static final List<String> BASE_FLAGS = List.of("--no-sandbox", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");

    /** Checks the fields and copies the list. */
    public ChromiumSettings {
        Objects.requireNonNull(executable, "executable");
        extraArguments = List.copyOf(extraArguments);
        Objects.requireNonNull(launchTimeout, "launchTimeout");
        Objects.requireNonNull(navigationTimeout, "navigationTimeout");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(driverDirectory, "driverDirectory");
    }

    /**
     * Reads a configuration.
     *
     * @param config the component's configuration
     * @param defaultDriverDirectory used when the configuration names no driver folder
     * @return the settings
     */
    public static ChromiumSettings from(ChromiumConfig config, Path defaultDriverDirectory) {
        String driverDirectory = config.driverDirectory().isBlank() ? null : config.driverDirectory().trim();
        return new ChromiumSettings(Path.of(config.executable().trim()), List.of(config.arguments()),
                config.webgpu(), config.headless(), Duration.ofMillis(config.launchTimeoutMillis()),
                Duration.ofMillis(config.navigationTimeoutMillis()), Path.of(config.nodeExecutable().trim()),
                driverDirectory == null ? defaultDriverDirectory : Path.of(driverDirectory));
    }

    /**
     * The switches for one browser. Headless mode and the profile folder are left to Playwright, which adds
     * {@code --headless} and a fresh temporary {@code --user-data-dir} to every launch.
     *
     * @param marker a switch Chromium ignores but that lets us find this browser among our processes
     * @return the command-line switches
     */
    List<String> chromiumArguments(String marker) {
        List<String> arguments = new ArrayList<>(BASE_FLAGS);
        if (webgpu) {
            arguments.add("--enable-unsafe-webgpu");
        }
        arguments.addAll(extraArguments);
        arguments.add(marker);
        return arguments;
    }
}
