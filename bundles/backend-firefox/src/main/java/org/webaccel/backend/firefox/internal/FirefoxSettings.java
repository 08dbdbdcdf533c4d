package org.webaccel.backend.firefox.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The backend's settings as plain values, read once from {@link FirefoxConfig}; tests build them directly.
 *
 * @param executable the Firefox binary
 * @param headless whether to run without a window
 * @param webgpu whether to enable WebGPU (preferences and environment)
 * @param webgpuEnvironment environment variables set when WebGPU is on
 * @param extraPrefs preferences written after the built-in ones, in order
 * @param profileTemplate whether browsers start from a copy of a profile Firefox has run in once
 * @param launchTimeout how long starting Firefox and its BiDi session may take
 * @param navigationTimeout how long a page may take until its navigation commits
 */
public record FirefoxSettings(Path executable, boolean headless, boolean webgpu, Map<String, String> webgpuEnvironment,
        Map<String, Object> extraPrefs, boolean profileTemplate, Duration launchTimeout, Duration navigationTimeout) {

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");

    /** Checks the fields and copies the maps, keeping their order. */
    public FirefoxSettings {
        Objects.requireNonNull(executable, "executable");
        webgpuEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(webgpuEnvironment));
        extraPrefs = Collections.unmodifiableMap(new LinkedHashMap<>(extraPrefs));
        Objects.requireNonNull(launchTimeout, "launchTimeout");
        Objects.requireNonNull(navigationTimeout, "navigationTimeout");
    }

    /**
     * Reads a configuration.
     *
     * @param config the component's configuration
     * @return the settings
     * @throws IllegalArgumentException when an environment entry or a preference is not {@code name=value}
     */
    public static FirefoxSettings from(FirefoxConfig config) {
        Map<String, String> environment = new LinkedHashMap<>();
        pairs(config.webgpuEnvironment(), "webgpuEnvironment").forEach(environment::put);
        Map<String, Object> prefs = new LinkedHashMap<>();
        pairs(config.prefs(), "prefs").forEach((name, value) -> prefs.put(name, prefValue(value)));
        return new FirefoxSettings(Path.of(config.executable().trim()), config.headless(), config.webgpu(), environment,
                prefs, config.profileTemplate(), Duration.ofMillis(config.launchTimeoutMillis()), Duration.ofMillis(config.navigationTimeoutMillis()));
    }

    /**
     * Types a preference value the way a user would mean it in user.js.
     *
     * @param text {@code true}, {@code false}, an integer, a string in double quotes, or any other text
     * @return a Boolean, an Integer or a String
     */
    static Object prefValue(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        if (INTEGER.matcher(text).matches()) {
            return Integer.valueOf(text);
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }

    private static Map<String, String> pairs(String[] entries, String attribute) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("'" + entry + "' in " + attribute + " of " + FirefoxBackend.PID
                        + " is not name=value");
            }
            pairs.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
        }
        return pairs;
    }
}
