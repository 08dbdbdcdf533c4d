package org.webaccel.webdriver.internal;

import java.net.URI;
import java.util.Map;

import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Tells whether a navigation reached its server. WebDriver's "Navigate To" succeeds even when the browser
 * shows its own error page (connection refused) or the server answered 404, so the page is asked: the
 * Navigation Timing entry carries the HTTP status, and Chromium's error page its error code.
 */
final class PageLoad {

    private static final String CHECK = "const nav = performance.getEntriesByType('navigation')[0];"
            + "const code = document.querySelector('.error-code');"
            + "return {href: location.href, status: nav && nav.responseStatus ? nav.responseStatus : 0,"
            + " error: code ? code.textContent.trim() : ''};";

    private PageLoad() {
    }

    /**
     * Checks the current window after it navigated to {@code url}. Runs on the session's thread.
     *
     * @return why the page did not load, or {@code null} when it did
     */
    static String problem(RemoteWebDriver driver, URI url) {
        Object answer = driver.executeScript(CHECK);
        if (!(answer instanceof Map<?, ?> result)) {
            return null;
        }
        String href = String.valueOf(result.get("href"));
        String error = String.valueOf(result.get("error"));
        long status = result.get("status") instanceof Number number ? number.longValue() : 0;
        if (!href.startsWith("http") && !href.equals(url.toString())) {
            return "the browser could not load it" + (error.isEmpty() ? " (it shows " + href + ")" : ": " + error);
        }
        if (status >= 400) {
            return "the server answered " + status;
        }
        return null;
    }
}
