package org.webaccel.harness;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The system Chromium, headless, driven by Playwright on the system Node.js: how the suites look at the
 * dashboard as an operator's browser does. Nothing is downloaded.
 */
final class HeadlessChromium implements AutoCloseable {
    private final Playwright playwright;
    private final Browser browser;

    HeadlessChromium() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of(
                "PLAYWRIGHT_NODEJS_PATH", "/usr/bin/node", "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true).setChromiumSandbox(false)
                    .setArgs(List.of("--disable-quic", "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync")));
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    Browser browser() {
        return browser;
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
