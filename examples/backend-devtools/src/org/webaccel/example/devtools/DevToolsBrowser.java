package org.webaccel.example.devtools;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;

/**
 * One Chromium browser of the {@code devtools} backend. Thread-safe: the pool opens pages from its own
 * threads while the process-exit callback may run at any time.
 */
final class DevToolsBrowser implements BrowserInstance {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String id;
    private final ChromiumProcess chromium;
    private final DevToolsEndpoint devtools;
    private final String version;
    /** Set once the pool (or the bundle stopping) closes the browser: its exit is then no death. */
    private final AtomicBoolean closing = new AtomicBoolean();

    private DevToolsBrowser(String id, ChromiumProcess chromium, DevToolsEndpoint devtools, String version) {
        this.id = id;
        this.chromium = chromium;
        this.devtools = devtools;
        this.version = version;
    }

    /**
     * Starts Chromium and connects to its DevTools endpoint.
     *
     * @param spec the pool's id for the browser, and where to report its death
     * @param command how to run Chromium
     * @param http the client for the DevTools endpoint
     * @param gone called once when the process has ended, for the backend's bookkeeping
     * @return the running browser
     * @throws BackendException when Chromium does not start or its endpoint does not answer
     */
    static DevToolsBrowser launch(LaunchSpec spec, ChromiumCommand command, HttpClient http,
            Consumer<DevToolsBrowser> gone) throws BackendException {
        ChromiumProcess chromium = ChromiumProcess.start(command, spec.id(), START_TIMEOUT);
        DevToolsEndpoint devtools = new DevToolsEndpoint(http, chromium.port());
        String version;
        try {
            version = devtools.browserVersion();
        } catch (BackendException e) {
            chromium.destroy();
            throw e;
        }
        DevToolsBrowser browser = new DevToolsBrowser(spec.id(), chromium, devtools, version);
        // Async: the pool reacts to a death by closing workers and launching a replacement, work that does
        // not belong on the JDK thread that reaps child processes.
        chromium.process().onExit().thenRunAsync(() -> {
            gone.accept(browser);
            if (!browser.closing.get()) {
                spec.events().browserDied(browser, "Chromium (pid " + chromium.process().pid() + ") "
                        + howItEnded(chromium.process().exitValue()));
            }
        });
        return browser;
    }

    /** The JDK reports a process ended by a signal as 128 + the signal's number. */
    private static String howItEnded(int exitValue) {
        return exitValue > 128 ? "was killed by signal " + (exitValue - 128) : "exited with code " + exitValue;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        // Debian's /usr/bin/chromium is a script that execs the browser, so this is Chromium itself.
        return OptionalLong.of(chromium.process().pid());
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public BrowserPage openPage(URI url) throws BackendException {
        if (!isAlive()) {
            throw new BackendException("browser " + id + " is not running");
        }
        return new DevToolsPage(devtools.newPage(url), this, devtools);
    }

    @Override
    public boolean isAlive() {
        return chromium.process().isAlive();
    }

    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            chromium.destroy();
        }
    }

    @Override
    public String toString() {
        return "Chromium " + id + " (pid " + chromium.process().pid() + ")";
    }
}
