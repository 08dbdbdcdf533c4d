package org.webaccel.webdriver;

import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserPage;

/** One tab of a {@link WebDriverBrowser}. */
@org.osgi.annotation.versioning.ProviderType
public interface WebDriverPage extends BrowserPage {

    /**
     * Runs JavaScript in this page (WebDriver "Execute Script"): {@code script} is a function body that
     * sees its arguments as {@code arguments[i]}. A returned promise is awaited. Meant for probes of what a
     * browser supports; worker traffic goes over the bridge, never through here.
     *
     * @param script the function body, e.g. {@code return navigator.userAgent}
     * @param arguments strings, numbers, booleans, lists or maps of them
     * @return what the script returned, as {@code null}, {@link Boolean}, {@link Long}, {@link Double},
     *         {@link String}, {@link java.util.List} or {@link java.util.Map}
     * @throws BackendException when the script throws or rejects (with the browser's message), exceeds the
     *         command timeout, or the page is gone
     */
    Object executeScript(String script, Object... arguments) throws BackendException;
}
