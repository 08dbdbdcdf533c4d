package org.webaccel.api.spi;

/**
 * What a backend says of itself.
 *
 * @param name the backend's name, unique in the container, e.g. {@code chromium}
 * @param family the browser family: {@code chromium}, {@code firefox}, {@code edge}, ...
 * @param browserVersion the browser's version as the browser reports it, or {@code unknown}
 * @param available whether the backend can launch browsers on this machine
 * @param reason why not, when not available (the browser's or the system's own words)
 */
public record BackendDescription(String name, String family, String browserVersion, boolean available,
        String reason) {

    /** @return an available backend */
    public static BackendDescription available(String name, String family, String version) {
        return new BackendDescription(name, family, version, true, null);
    }

    /** @return an unavailable backend with its reason */
    public static BackendDescription unavailable(String name, String family, String version, String reason) {
        return new BackendDescription(name, family, version, false, reason);
    }
}
