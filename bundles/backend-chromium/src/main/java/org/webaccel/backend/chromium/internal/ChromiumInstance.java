package org.webaccel.backend.chromium.internal;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.backend.support.BrowserLife;
import org.webaccel.backend.support.BrowserMarker;
import org.webaccel.backend.support.DriverThread;
import org.webaccel.backend.support.ProcessTree;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.WaitUntilState;

/**
 * One Chromium with its own Playwright driver and one browser context, so that all its pages share an
 * HTTP cache. Every Playwright object here is used only on {@link #thread}; the fields that hold them are
 * written and read there alone.
 */
final class ChromiumInstance implements BrowserInstance {

    private static final System.Logger LOG = System.getLogger(ChromiumInstance.class.getName());
    /** Closing waits for the browser and then the driver; Playwright itself gives the driver 30 s. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private final String id;
    private final BrowserLife life;
    private final ChromiumSettings settings;
    private final Consumer<ChromiumInstance> onClosed;
    /**
     * Playwright for Java is not thread-safe, and it reads the driver's messages, and so fires its event
     * handlers, only while one of its calls runs: this thread runs every call and, between calls, a wait on
     * the browser context, so that a crash or a disconnect is seen within milliseconds.
     */
    private final DriverThread thread;
    private final BrowserMarker marker = BrowserMarker.fresh();
    private final AtomicInteger pageCount = new AtomicInteger();

    private Playwright playwright;
    private Browser browser;
    private BrowserContext context;

    private volatile String version = "unknown";
    private volatile ProcessHandle browserProcess;
    private volatile ProcessHandle driverProcess;

    private ChromiumInstance(LaunchSpec spec, ChromiumSettings settings, Consumer<ChromiumInstance> onClosed) {
        this.id = spec.id();
        this.life = new BrowserLife(spec.id(), spec.events());
        this.settings = settings;
        this.onClosed = onClosed;
        this.thread = new DriverThread("webaccel-chromium-" + spec.id(), Failures::firstLine);
    }

    /**
     * Starts a driver and a browser.
     *
     * @param spec the id and the event sink
     * @param settings the backend's settings
     * @param starter starts the Playwright driver
     * @param onClosed told once the instance has closed
     * @return the running browser
     * @throws BackendException when the driver or the browser does not start
     */
    static ChromiumInstance launch(LaunchSpec spec, ChromiumSettings settings, PlaywrightStarter starter,
            Consumer<ChromiumInstance> onClosed) throws BackendException {
        ChromiumInstance instance = new ChromiumInstance(spec, settings, onClosed);
        try {
            instance.thread.call("launch " + settings.executable(), settings.launchTimeout(), () -> {
                instance.start(starter);
                return null;
            });
            return instance;
        } catch (BackendException | RuntimeException e) {
            instance.close();
            throw e;
        }
    }

    /** Runs on the thread. */
    private void start(PlaywrightStarter starter) throws BackendException {
        long begin = System.nanoTime();
        playwright = starter.start();
        long driverReady = System.nanoTime();
        try {
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(settings.executable())
                    .setHeadless(settings.headless())
                    .setChromiumSandbox(false)
                    .setArgs(settings.chromiumArguments(marker.argument()))
                    .setTimeout(settings.launchTimeout().toMillis()));
            context = browser.newContext();
        } catch (PlaywrightException e) {
            throw new BackendException("Chromium " + settings.executable() + " did not start: " + Failures.firstLine(e), e);
        }
        version = browser.version();
        browser.onDisconnected(b -> thread.post(() -> died("the browser disconnected from Playwright")));
        browserProcess = marker.mainProcess().orElse(null);
        if (browserProcess == null) {
            LOG.log(Level.WARNING, "browser {0}: no process with {1} among this JVM''s descendants", id, marker);
        } else {
            driverProcess = browserProcess.parent().orElse(null);
        }
        BrowserContext pumped = context;
        thread.pumpWith(stop -> pumped.waitForCondition(stop, new BrowserContext.WaitForConditionOptions().setTimeout(0)),
                failure -> died("Playwright lost the browser: " + Failures.firstLine(failure)));
        LOG.log(Level.INFO, "browser {0}: Chromium {1}, pid {2}; driver started in {3} ms, browser in {4} ms", id,
                version, pid().isPresent() ? String.valueOf(pid().getAsLong()) : "unknown",
                String.valueOf((driverReady - begin) / 1_000_000), String.valueOf((System.nanoTime() - driverReady) / 1_000_000));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        ProcessHandle process = browserProcess;
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean isAlive() {
        ProcessHandle process = browserProcess;
        return !life.isOver() && (process == null || process.isAlive());
    }

    @Override
    public BrowserPage openPage(URI url) throws BackendException {
        life.checkUsable("open " + url);
        return thread.call("open " + url, settings.navigationTimeout(), () -> {
            life.checkUsable("open " + url);
            long begin = System.nanoTime();
            ChromiumPage page = new ChromiumPage("page-" + pageCount.incrementAndGet(), this, context.newPage());
            page.page().onCrash(p -> thread.post(() -> pageDied(page, "the page's renderer process crashed")));
            page.page().onClose(p -> thread.post(() -> pageDied(page, "the page was closed, but not by the pool")));
            navigate(page, url);
            LOG.log(Level.DEBUG, "browser {0}: {1} opened {2} in {3} ms", id, page.id(), url,
                    String.valueOf((System.nanoTime() - begin) / 1_000_000));
            return page;
        });
    }

    /**
     * Waits only until the server has answered: the page then connects back on its own, and waiting for
     * its load event would only add the time its scripts take.
     */
    private void navigate(ChromiumPage page, URI url) throws BackendException {
        try {
            Response response = page.page().navigate(url.toString(), new Page.NavigateOptions()
                    .setWaitUntil(WaitUntilState.COMMIT)
                    .setTimeout(settings.navigationTimeout().toMillis()));
            if (response != null && response.status() >= 400) {
                throw new BackendException("cannot open " + url + ": the server answered " + response.status() + " "
                        + response.statusText());
            }
        } catch (PlaywrightException | BackendException e) {
            page.markCloseRequested();
            closeQuietly(page);
            if (e instanceof BackendException backend) {
                throw backend;
            }
            throw new BackendException("cannot open " + url + ": " + Failures.firstLine(e), e);
        }
    }

    /** Called by {@link ChromiumPage#close()}, once per page. */
    void closePage(ChromiumPage page) {
        if (life.isOver()) {
            return;
        }
        try {
            thread.call("close " + page, CLOSE_TIMEOUT, () -> {
                closeQuietly(page);
                return null;
            });
        } catch (BackendException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", page, e.getMessage());
        }
    }

    /**
     * Runs on the thread. Asks for the close without waiting for it: a page whose navigation failed has
     * been seen to never confirm its close, and waiting would stall this browser's thread for good.
     * runBeforeUnload makes Playwright return at once; worker pages register no beforeunload handler.
     */
    private void closeQuietly(ChromiumPage page) {
        try {
            if (!page.page().isClosed()) {
                page.page().close(new Page.CloseOptions().setRunBeforeUnload(true));
            }
        } catch (PlaywrightException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", page, Failures.firstLine(e));
        }
    }

    /** Runs on the thread, outside Playwright's dispatch. */
    private void pageDied(ChromiumPage page, String reason) {
        life.pageDied(page, reason, this::browserAnswers);
    }

    /** Runs on the thread, outside Playwright's dispatch. */
    private void died(String driverSaw) {
        thread.stopPumping();
        life.browserDied(this, () -> deathReason(driverSaw));
    }

    private String deathReason(String driverSaw) {
        ProcessHandle process = browserProcess;
        if (process != null && !process.isAlive()) {
            return "the browser process " + process.pid() + " has exited (" + driverSaw + ")";
        }
        ProcessHandle driver = driverProcess;
        if (driver != null && !driver.isAlive()) {
            return "Playwright's driver process " + driver.pid() + " has exited (" + driverSaw + ")";
        }
        return driverSaw;
    }

    /**
     * When the browser dies, the driver sends its pages' close and crash events just before the browser's
     * disconnect, and that is the browser's death, not theirs. A round trip to the browser makes Playwright
     * process whatever the driver sent before it, so afterwards the browser's state is known.
     */
    private boolean browserAnswers() {
        try {
            context.cookies();
            return browser.isConnected();
        } catch (PlaywrightException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (!life.close()) {
            return;
        }
        ProcessHandle process = browserProcess;
        boolean dead = life.isDead() || (process != null && !ProcessTree.isRunning(process));
        if (dead) {
            // Nothing to ask Playwright about a dead browser: the kill below ends its driver, and with it
            // whatever call the thread is in.
            thread.stop(Duration.ZERO);
        } else {
            try {
                thread.call("close browser " + id, CLOSE_TIMEOUT, () -> {
                    shutDown();
                    return null;
                });
            } catch (BackendException e) {
                // Still busy (a launch that outlived its timeout, say): shut down once that work is done.
                LOG.log(Level.WARNING, "browser {0}: {1}", id, e.getMessage());
                thread.post(this::shutDown);
            }
            thread.stop(CLOSE_TIMEOUT);
        }
        // Whatever Playwright could not end (a hung driver, a browser it lost) must not outlive us.
        List<Long> killed = ProcessTree.kill(Stream.of(browserProcess, driverProcess).filter(Objects::nonNull).toList(),
                KILL_WAIT);
        if (!killed.isEmpty()) {
            // A dead browser's driver is ended this way on purpose; anything else outlived an orderly close.
            LOG.log(dead ? Level.DEBUG : Level.WARNING, "browser {0}: killed processes {1}, which outlived its close",
                    id, killed);
        }
        onClosed.accept(this);
    }

    /** Runs on the thread. */
    private void shutDown() {
        thread.stopPumping();
        if (browser != null) {
            try {
                browser.close();
            } catch (PlaywrightException e) {
                LOG.log(Level.DEBUG, "browser {0}: close: {1}", id, Failures.firstLine(e));
            }
        }
        if (playwright != null) {
            try {
                playwright.close();
            } catch (PlaywrightException e) {
                LOG.log(Level.DEBUG, "browser {0}: driver close: {1}", id, Failures.firstLine(e));
            }
        }
    }

    @Override
    public String toString() {
        return "chromium " + id;
    }
}
