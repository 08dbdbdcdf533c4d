package org.webaccel.backend.webnn.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.SessionTimeouts;

/**
 * The backend's settings as plain values, read once from {@link WebNnConfig}; tests build them directly.
 *
 * @param browserExecutable the browser
 * @param driverExecutable its WebDriver
 * @param browserName the W3C browser name, {@code chrome} or {@code MicrosoftEdge}
 * @param deviceTypes the WebNN device types the probe tries
 * @param extraArguments switches added after the built-in ones
 * @param webgpu whether to pass {@code --enable-unsafe-webgpu}
 * @param headless whether to run without a window
 * @param timeouts the sessions' timeouts
 */
public record WebNnSettings(Path browserExecutable, Path driverExecutable, String browserName,
        List<String> deviceTypes, List<String> extraArguments, boolean webgpu, boolean headless,
        SessionTimeouts timeouts) {

    /** Exposes {@code navigator.ml}; whether a context can be created depends on the build. */
    static final String WEBNN_FEATURE = "WebMachineLearningNeuralNetwork";
    private static final String ENABLE_FEATURES = "--enable-features=";

    /** Checks the fields and copies the lists. */
    public WebNnSettings {
        Objects.requireNonNull(browserExecutable, "browserExecutable");
        Objects.requireNonNull(driverExecutable, "driverExecutable");
        Objects.requireNonNull(browserName, "browserName");
        deviceTypes = List.copyOf(deviceTypes);
        if (deviceTypes.isEmpty()) {
            throw new IllegalArgumentException("no WebNN device type to try: configure deviceTypes (cpu, gpu, npu)");
        }
        extraArguments = List.copyOf(extraArguments);
        Objects.requireNonNull(timeouts, "timeouts");
    }

    /**
     * @param config the component's configuration
     * @return the settings
     */
    public static WebNnSettings from(WebNnConfig config) {
        return new WebNnSettings(Path.of(config.browserExecutable().trim()), Path.of(config.driverExecutable().trim()),
                config.browserName().trim(), List.of(config.deviceTypes()), List.of(config.arguments()),
                config.webgpu(), config.headless(),
                new SessionTimeouts(Duration.ofMillis(config.startTimeoutMillis()),
                        Duration.ofMillis(config.commandTimeoutMillis()), Duration.ofMillis(config.watchIntervalMillis())));
    }

    /** @return the driver */
    LocalDriver driver() {
        return LocalDriver.at(driverExecutable);
    }

    /**
     * The switches, with WebNN's feature merged into any {@code --enable-features} of the extra arguments:
     * Chromium honours only the last of several such switches.
     *
     * @return what a session asks the driver for
     */
    BrowserOptions browser() {
        List<String> arguments = new ArrayList<>();
        if (headless) {
            arguments.add("--headless");
        }
        arguments.addAll(BrowserOptions.CHROMIUM_QUIET_SWITCHES);
        if (webgpu) {
            arguments.add("--enable-unsafe-webgpu");
        }
        List<String> features = new ArrayList<>(List.of(WEBNN_FEATURE));
        for (String argument : extraArguments) {
            if (argument.startsWith(ENABLE_FEATURES)) {
                features.add(argument.substring(ENABLE_FEATURES.length()));
            } else {
                arguments.add(argument);
            }
        }
        arguments.add(ENABLE_FEATURES + String.join(",", features));
        return BrowserOptions.of(browserName, browserExecutable.toString(), arguments);
    }

    /** @return {@code edge} for Edge, else {@code chromium} */
    String family() {
        return BrowserOptions.EDGE.equals(browserName) ? "edge" : "chromium";
    }
}
