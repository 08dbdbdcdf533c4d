package org.webaccel.backend.webnn.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverPage;
import org.webaccel.webdriver.WebDriverSessions;

/**
 * Launches the browser once and asks it for a WebNN context of each configured device type. An exposed
 * {@code navigator.ml} proves nothing: a build without a WebNN backend has the API and refuses every context.
 */
final class WebNnProbe {

    static final String NAME = "webnn";
    private static final System.Logger LOG = System.getLogger(WebNnProbe.class.getName());

    /** Answers '' when a context was created, else the browser's error as "Name: message". */
    private static final String CREATE_CONTEXT = "const deviceType = arguments[0];"
            + "if (!navigator.ml) { return 'navigator.ml is undefined: this browser does not expose WebNN'; }"
            + "try {"
            + "  return navigator.ml.createContext({deviceType}).then(() => '', e => e.name + ': ' + e.message);"
            + "} catch (e) { return e.name + ': ' + e.message; }";

    /**
     * Blink prefixes the errors of its bindings with the call that failed, and the probe's report names the
     * call already: {@code Failed to execute 'createContext' on 'ML': WebNN is not supported on this platform.}
     */
    private static final String BINDING_PREFIX = "Failed to execute '[^']+' on '[^']+': ";

    /** A probe's session is no worker of the pool: its death concerns nobody but the probe. */
    private static final BrowserEvents UNWATCHED = new BrowserEvents() {
        @Override
        public void browserDied(BrowserInstance browser, String reason) {
        }

        @Override
        public void pageDied(BrowserPage page, String reason) {
        }
    };

    private final WebNnSettings settings;
    private final WebDriverSessions sessions;

    WebNnProbe(WebNnSettings settings, WebDriverSessions sessions) {
        this.settings = settings;
        this.sessions = sessions;
    }

    /** @return available when a context of one device type could be created, else unavailable with the browser's error */
    BackendDescription probe() {
        String family = settings.family();
        try (ProbePage site = new ProbePage();
                WebDriverBrowser browser = sessions.startLocal(settings.driver(), settings.browser(),
                        settings.timeouts(), new LaunchSpec(NAME + "-probe", UNWATCHED))) {
            WebDriverPage page = browser.openPage(site.uri());
            Map<String, String> errors = new LinkedHashMap<>();
            for (String deviceType : settings.deviceTypes()) {
                String error = String.valueOf(page.executeScript(CREATE_CONTEXT, deviceType));
                if (error.isEmpty()) {
                    LOG.log(Level.INFO, "WebNN {0} context created in {1} {2}", deviceType, browser.browserName(),
                            browser.version());
                    return BackendDescription.available(NAME, family, browser.version());
                }
                LOG.log(Level.INFO, "WebNN {0} context refused by {1} {2}: {3}", deviceType, browser.browserName(),
                        browser.version(), error);
                errors.put(deviceType, tidy(error));
            }
            return BackendDescription.unavailable(NAME, family, browser.version(), reason(errors));
        } catch (BackendException | IOException e) {
            return BackendDescription.unavailable(NAME, family, "unknown", "the WebNN probe could not run: " + e.getMessage());
        }
    }

    /** @return one error when every device type failed alike, else each type's own */
    static String reason(Map<String, String> errors) {
        if (errors.values().stream().distinct().count() == 1) {
            return errors.values().iterator().next();
        }
        return errors.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
    }

    /** @return the browser's error without Blink's call prefix and final period */
    static String tidy(String error) {
        String tidied = error.replaceFirst(BINDING_PREFIX, "").strip();
        return tidied.endsWith(".") ? tidied.substring(0, tidied.length() - 1) : tidied;
    }
}
