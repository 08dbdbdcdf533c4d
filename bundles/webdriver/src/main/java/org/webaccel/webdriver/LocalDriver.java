package org.webaccel.webdriver;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A WebDriver executable on this machine, e.g. {@code /usr/bin/chromedriver} or {@code msedgedriver}.
 *
 * @param executable the driver executable
 * @param environment variables added to the driver's environment, which the browser inherits
 */
public record LocalDriver(Path executable, Map<String, String> environment) {

    /** Checks the fields and copies the map. */
    public LocalDriver {
        Objects.requireNonNull(executable, "executable");
        environment = Map.copyOf(environment);
    }

    /**
     * @param executable the driver executable
     * @return a driver with the JVM's environment
     */
    public static LocalDriver at(Path executable) {
        return new LocalDriver(executable, Map.of());
    }
}
