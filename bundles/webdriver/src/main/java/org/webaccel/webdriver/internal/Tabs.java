package org.webaccel.webdriver.internal;

import java.lang.System.Logger.Level;
import java.util.Set;

import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * The windows of one session: a blank home tab of the session's own and one tab per page. The home tab
 * exists because closing a session's last window ends the session, and closing the pool's last page must
 * not end the browser. WebDriver addresses one current window at a time; this class tracks it so that a
 * switch is sent only when needed. Used on the session's thread only.
 */
final class Tabs {

    private static final System.Logger LOG = System.getLogger(Tabs.class.getName());

    private final RemoteWebDriver driver;
    private final String owner;
    private String home;
    /** The window WebDriver addresses, or null when it was closed. */
    private String current;

    /**
     * @param driver a session whose current window is its first, blank one
     * @param owner the session, for log messages
     */
    Tabs(RemoteWebDriver driver, String owner) {
        this.driver = driver;
        this.owner = owner;
        this.home = driver.getWindowHandle();
        this.current = home;
    }

    /** @return the handle of a new tab, which is now the current window */
    String open() {
        if (current == null) {
            // a new tab opens from the current window, and there is none right after a tab was closed
            switchTo(home);
        }
        driver.switchTo().newWindow(WindowType.TAB);
        current = driver.getWindowHandle();
        return current;
    }

    /** Makes {@code handle} the window that WebDriver commands address. */
    void switchTo(String handle) {
        if (!handle.equals(current)) {
            driver.switchTo().window(handle);
            current = handle;
        }
    }

    /** Closes the tab; a tab that is gone already is no error. */
    void close(String handle) {
        try {
            switchTo(handle);
            driver.close();
        } catch (WebDriverException e) {
            LOG.log(Level.DEBUG, "{0}: closing tab {1}: {2}", owner, handle, Failures.summary(e));
        } finally {
            current = null;
        }
    }

    /**
     * Lists the session's windows; replaces the home tab when someone else closed it.
     *
     * @return the window handles
     * @throws WebDriverException when the session does not answer
     */
    Set<String> list() {
        Set<String> handles = driver.getWindowHandles();
        if (current != null && !handles.contains(current)) {
            current = null;
        }
        if (!handles.contains(home) && !handles.isEmpty()) {
            rehome(handles.iterator().next());
        }
        return handles;
    }

    /** While other tabs remain the session lives on, but closing the last page would end it. */
    private void rehome(String anyWindow) {
        try {
            switchTo(anyWindow);
            home = open();
            LOG.log(Level.INFO, "{0}: its blank tab was closed by someone else; opened another", owner);
        } catch (WebDriverException e) {
            LOG.log(Level.WARNING, "{0}: cannot replace its blank tab: {1}", owner, Failures.summary(e));
        }
    }
}
