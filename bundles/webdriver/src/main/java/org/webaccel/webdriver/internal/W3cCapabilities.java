package org.webaccel.webdriver.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.MutableCapabilities;
import org.webaccel.api.spi.BackendException;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.SessionTimeouts;

/**
 * Turns {@link BrowserOptions} into the capabilities of a new-session request. The vendor options are
 * written as plain maps rather than through ChromeOptions/EdgeOptions/FirefoxOptions, whose only effect
 * here would be the same maps, and which would drag Selenium's per-browser classes into every session.
 */
final class W3cCapabilities {

    private static final Map<String, String> VENDOR_OPTIONS = Map.of(
            BrowserOptions.CHROME, "goog:chromeOptions",
            BrowserOptions.EDGE, "ms:edgeOptions",
            BrowserOptions.FIREFOX, "moz:firefoxOptions");

    private W3cCapabilities() {
    }

    /**
     * @param browser the browser
     * @param timeouts the session's timeouts
     * @param extraArguments switches added after the browser's own (a process marker)
     * @return the capabilities
     * @throws BackendException for a browser name without known vendor options
     */
    static MutableCapabilities of(BrowserOptions browser, SessionTimeouts timeouts, List<String> extraArguments)
            throws BackendException {
        String vendorKey = vendorKey(browser.browserName());
        Map<String, Object> vendor = new LinkedHashMap<>();
        if (!browser.binary().isEmpty()) {
            vendor.put("binary", browser.binary());
        }
        List<String> arguments = new ArrayList<>(browser.arguments());
        arguments.addAll(extraArguments);
        vendor.put("args", arguments);
        if (!browser.preferences().isEmpty()) {
            vendor.put("prefs", browser.preferences());
        }
        MutableCapabilities capabilities = new MutableCapabilities();
        capabilities.setCapability("browserName", browser.browserName());
        capabilities.setCapability(vendorKey, vendor);
        // A worker page connects back on its own once parsed; waiting for every subresource would only add
        // the time its scripts take to load.
        capabilities.setCapability("pageLoadStrategy", "eager");
        long commandMillis = timeouts.command().toMillis();
        capabilities.setCapability("timeouts", Map.of("pageLoad", commandMillis, "script", commandMillis, "implicit", 0));
        return capabilities;
    }

    /** @return the capability that carries the vendor's options for {@code browserName} */
    static String vendorKey(String browserName) throws BackendException {
        String key = VENDOR_OPTIONS.get(browserName);
        if (key == null) {
            throw new BackendException("unknown browser name '" + browserName + "': WebAccel knows "
                    + String.join(", ", VENDOR_OPTIONS.keySet().stream().sorted().toList()));
        }
        return key;
    }
}
