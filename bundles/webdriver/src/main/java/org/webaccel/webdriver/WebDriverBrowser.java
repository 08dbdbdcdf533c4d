package org.webaccel.webdriver;

import java.net.URI;

import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;

/**
 * A browser driven through one WebDriver session; its pages are tabs of that session.
 *
 * <p>The session keeps one blank tab of its own besides the pages: closing a session's last window ends
 * the session, and closing the pool's last page must not end the browser.
 */
@org.osgi.annotation.versioning.ProviderType
public interface WebDriverBrowser extends BrowserInstance {

    /**
     * Opens a tab and loads {@code url} in it; returns once the document has been parsed (WebDriver's
     * {@code eager} page load strategy), not when its scripts have finished.
     *
     * @param url the page to load
     * @return the page
     * @throws BackendException when the browser cannot load the URL (connection refused, an HTTP error
     *         status, the command timeout) or the session is gone; the tab is closed again
     */
    @Override
    WebDriverPage openPage(URI url) throws BackendException;

    /** @return the browser name the session reports, e.g. {@code chrome} or {@code MicrosoftEdge} */
    String browserName();
}
