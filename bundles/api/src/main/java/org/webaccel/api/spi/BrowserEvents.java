package org.webaccel.api.spi;

/**
 * How a backend tells the pool that a browser or page died. Called from the backend's threads; the pool
 * must not block in these methods.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface BrowserEvents {

    /**
     * The browser process is gone or the driver lost it.
     *
     * @param browser the browser
     * @param reason what the driver saw
     */
    void browserDied(BrowserInstance browser, String reason);

    /**
     * A page crashed or was closed without the pool asking.
     *
     * @param page the page
     * @param reason what the driver saw
     */
    void pageDied(BrowserPage page, String reason);
}
