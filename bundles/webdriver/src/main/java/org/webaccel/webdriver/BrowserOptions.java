package org.webaccel.webdriver;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The browser a session asks for, as plain values. They become the W3C capabilities {@code browserName}
 * and the vendor's options ({@code goog:chromeOptions}, {@code ms:edgeOptions} or {@code moz:firefoxOptions}:
 * {@code binary}, {@code args}, {@code prefs}).
 *
 * @param browserName the W3C browser name: {@link #CHROME}, {@link #EDGE} or {@link #FIREFOX}
 * @param binary the browser executable, on the machine that runs the driver; empty for the driver's default
 * @param arguments command-line switches
 * @param preferences browser preferences (Chromium profile prefs, Firefox about:config prefs); values are
 *        strings, numbers, booleans, or lists and maps of them
 */
public record BrowserOptions(String browserName, String binary, List<String> arguments,
        Map<String, Object> preferences) {

    /** Chrome and Chromium. */
    public static final String CHROME = "chrome";
    /** Microsoft Edge. */
    public static final String EDGE = "MicrosoftEdge";
    /** Firefox: remote sessions only (there is no geckodriver support for local ones). */
    public static final String FIREFOX = "firefox";

    /**
     * Switches that keep a Chromium-family browser quiet on a closed network: no background connections,
     * updates, sync or first-run UI, no QUIC; and no sandbox, which needs kernel features containers
     * usually lack.
     */
    public static final List<String> CHROMIUM_QUIET_SWITCHES = List.of("--no-sandbox", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    /** Checks the fields and copies the collections. */
    public BrowserOptions {
        Objects.requireNonNull(browserName, "browserName");
        if (browserName.isBlank()) {
            throw new IllegalArgumentException("browserName is empty");
        }
        binary = binary == null ? "" : binary.trim();
        arguments = List.copyOf(arguments);
        preferences = Map.copyOf(preferences);
    }

    /**
     * @param browserName the W3C browser name
     * @param binary the browser executable, or empty
     * @param arguments command-line switches
     * @return options without preferences
     */
    public static BrowserOptions of(String browserName, String binary, List<String> arguments) {
        return new BrowserOptions(browserName, binary, arguments, Map.of());
    }
}
