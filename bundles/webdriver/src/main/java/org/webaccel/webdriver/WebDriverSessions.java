package org.webaccel.webdriver;

import java.net.URI;
import java.time.Duration;

import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.LaunchSpec;

/**
 * Starts WebDriver sessions, each a browser that a backend hands to the pool, and reads a Selenium Grid's
 * status. Registered as a service by the {@code org.webaccel.webdriver} bundle.
 *
 * <p>Every session gets its own thread, which makes every WebDriver call of that session (WebDriver
 * sessions are not thread-safe) and watches it. Sessions still open when the service goes away are closed.
 */
@org.osgi.annotation.versioning.ProviderType
public interface WebDriverSessions {

    /**
     * Starts a driver process on this machine (e.g. chromedriver, msedgedriver) and a browser through it.
     * The session owns both processes: {@link WebDriverBrowser#pid()} is the browser's; the driver's exit
     * is reported as the browser's death at once, the browser's within a
     * {@link SessionTimeouts#watchInterval()} (the driver notices it and the session stops answering); and
     * closing the session ends whatever is left of them.
     *
     * @param driver the driver executable and its environment
     * @param browser the browser: {@link BrowserOptions#CHROME} or {@link BrowserOptions#EDGE}
     * @param timeouts how long starting and each call may take, and how often the session is checked
     * @param spec the id and where deaths are reported
     * @return the running browser
     * @throws BackendException when the driver or the browser does not start, with the driver's words
     */
    WebDriverBrowser startLocal(LocalDriver driver, BrowserOptions browser, SessionTimeouts timeouts,
            LaunchSpec spec) throws BackendException;

    /**
     * Starts a session on a remote WebDriver endpoint, usually a Selenium Grid. The browser's process is not
     * ours, so the session is checked every {@link SessionTimeouts#watchInterval()}; a session that no longer
     * answers is reported as the browser's death. The checks also keep the Grid from ending the session as
     * idle.
     *
     * @param endpoint the Grid's (or a remote driver's) base URL, e.g. {@code http://grid:4444}
     * @param browser the browser the Grid should start; {@link BrowserOptions#binary()} is a path on the node
     * @param timeouts how long starting and each call may take, and how often the session is checked
     * @param spec the id and where deaths are reported
     * @return the running browser
     * @throws BackendException when the endpoint cannot be reached or refuses the session, with its words
     */
    WebDriverBrowser startRemote(URI endpoint, BrowserOptions browser, SessionTimeouts timeouts, LaunchSpec spec)
            throws BackendException;

    /**
     * Reads {@code GET /status} of a Selenium Grid 4.
     *
     * @param grid the Grid's base URL
     * @param timeout how long connecting and answering may take together
     * @return whether the Grid is ready and the browsers its nodes offer
     * @throws BackendException when the Grid cannot be reached or does not answer like a Grid
     */
    GridStatus gridStatus(URI grid, Duration timeout) throws BackendException;
}
