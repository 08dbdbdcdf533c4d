package org.webaccel.webdriver.internal;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.backend.support.BrowserLife;
import org.webaccel.backend.support.DriverThread;
import org.webaccel.backend.support.ProcessTree;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverPage;

/**
 * One WebDriver session as a browser: pages are tabs, every WebDriver call runs on {@link #thread}, and
 * deaths are noticed two ways. Every {@link SessionTimeouts#watchInterval()} the session's windows are
 * listed, which finds tabs closed by someone else and a session that is gone (a local driver answers at
 * once that its browser has died; a Grid likewise). Local processes are also watched for their exit: the
 * driver, our child, is seen at once; the browser, our grandchild, only as often as the JDK polls it
 * (every 0.3 s at first, slowing to every 5 s), so the window listing is usually first.
 *
 * <p>The fields {@link #started} and {@link #tabs} are used on the thread only.
 */
final class Session implements WebDriverBrowser {

    private static final System.Logger LOG = System.getLogger(Session.class.getName());
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private final String id;
    private final BrowserLife life;
    private final SessionTimeouts timeouts;
    private final SessionStarter starter;
    private final Consumer<Session> onClosed;
    /**
     * A WebDriver session is not thread-safe (it has one current window, and commands must not
     * interleave): this thread makes every call, and runs the watch between them. Its context class loader
     * is this bundle's: Selenium finds its HTTP client and codecs through {@link java.util.ServiceLoader},
     * and inside a framework the caller's context loader (if any) cannot see Selenium's private copy.
     */
    private final DriverThread thread;
    private final Map<String, SessionPage> pages = new ConcurrentHashMap<>();
    private final AtomicInteger pageCount = new AtomicInteger();

    private StartedSession started;
    private Tabs tabs;
    private volatile String version = "unknown";
    private volatile String browserName;
    private volatile Optional<ProcessHandle> browserProcess = Optional.empty();
    private volatile Optional<ProcessHandle> driverProcess = Optional.empty();
    private volatile DriverThread.Repetition watch;

    private Session(LaunchSpec spec, SessionTimeouts timeouts, SessionStarter starter, Consumer<Session> onClosed) {
        this.id = spec.id();
        this.life = new BrowserLife(spec.id(), spec.events());
        this.timeouts = timeouts;
        this.starter = starter;
        this.onClosed = onClosed;
        this.thread = new DriverThread("webaccel-webdriver-" + spec.id(), Failures::summary,
                Session.class.getClassLoader());
    }

    /**
     * Starts a session and its watch.
     *
     * @param onClosed told once the session has closed
     * @throws BackendException when the session does not start; nothing is left running then
     */
    static Session start(LaunchSpec spec, SessionTimeouts timeouts, SessionStarter starter, Consumer<Session> onClosed)
            throws BackendException {
        Session session = new Session(spec, timeouts, starter, onClosed);
        try {
            session.thread.call("start " + starter.where(), timeouts.start().plus(timeouts.command()), () -> {
                session.begin();
                return null;
            });
            return session;
        } catch (BackendException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Runs on the thread. */
    private void begin() throws BackendException {
        long begin = System.nanoTime();
        started = starter.start();
        RemoteWebDriver driver = started.driver();
        version = String.valueOf(driver.getCapabilities().getBrowserVersion());
        browserName = driver.getCapabilities().getBrowserName();
        tabs = new Tabs(driver, "browser " + id);
        browserProcess = started.browserProcess();
        driverProcess = started.driverProcess();
        browserProcess.ifPresent(p -> p.onExit().thenRun(() -> thread.post(() -> died("the browser process "
                + p.pid() + " has exited"))));
        driverProcess.ifPresent(p -> p.onExit().thenRun(() -> thread.post(() -> died("the driver process "
                + p.pid() + " has exited"))));
        watch = thread.every(timeouts.watchInterval(), this::check);
        LOG.log(Level.INFO, "browser {0}: {1} {2} ({3}), pid {4}, started in {5} ms", id, browserName, version,
                starter.where(), pid().isPresent() ? String.valueOf(pid().getAsLong()) : "unknown",
                String.valueOf((System.nanoTime() - begin) / 1_000_000));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        return browserProcess.map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String browserName() {
        return browserName;
    }

    /** @return whether {@link #close()} has been called */
    boolean isClosed() {
        return life.isClosed();
    }

    @Override
    public boolean isAlive() {
        return !life.isOver() && browserProcess.map(ProcessHandle::isAlive).orElse(true);
    }

    @Override
    public WebDriverPage openPage(URI url) throws BackendException {
        return thread.call("open " + url + " in browser " + id, timeouts.command(), () -> {
            life.checkUsable("open " + url);
            RemoteWebDriver driver = started.driver();
            SessionPage page = new SessionPage("page-" + pageCount.incrementAndGet(), tabs.open(), this);
            pages.put(page.handle(), page);
            String problem;
            try {
                driver.get(url.toString());
                problem = PageLoad.problem(driver, url);
            } catch (WebDriverException e) {
                problem = Failures.summary(e);
            }
            if (problem != null) {
                page.close();
                throw new BackendException("cannot open " + url + ": " + problem);
            }
            return page;
        });
    }

    /** Called by {@link SessionPage#executeScript}. */
    Object executeScript(SessionPage page, String script, Object... arguments) throws BackendException {
        return thread.call("run a script in " + page, timeouts.command(), () -> {
            life.checkUsable("run a script in " + page);
            if (!pages.containsKey(page.handle())) {
                throw new BackendException("cannot run a script in " + page + ": the page is closed");
            }
            tabs.switchTo(page.handle());
            return started.driver().executeScript(script, arguments);
        });
    }

    /** Called by {@link SessionPage#close()}, once per page. */
    void closePage(SessionPage page) {
        if (life.isOver()) {
            pages.remove(page.handle());
            return;
        }
        try {
            thread.call("close " + page, timeouts.command(), () -> {
                closeTab(page);
                return null;
            });
        } catch (BackendException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", page, e.getMessage());
        }
    }

    /** Runs on the thread. */
    private void closeTab(SessionPage page) {
        if (pages.remove(page.handle()) != null) {
            tabs.close(page.handle());
        }
    }

    /** The watch; runs on the thread. */
    private void check() {
        if (life.isOver()) {
            return;
        }
        Set<String> handles;
        long begin = System.nanoTime();
        try {
            handles = tabs.list();
        } catch (WebDriverException e) {
            long millis = (System.nanoTime() - begin) / 1_000_000;
            // a call that ran into the HTTP read timeout fails with the client's own words, which say nothing
            died(millis >= timeouts.command().toMillis()
                    ? "the session did not answer within " + millis + " ms"
                    : "the session no longer answers: " + Failures.summary(e));
            return;
        }
        // the listing is the round trip to the browser: a tab missing from it is gone, and the browser answers
        for (SessionPage page : List.copyOf(pages.values())) {
            if (!handles.contains(page.handle()) && pages.remove(page.handle()) != null) {
                life.pageDied(page, "the tab was closed, but not by the pool");
            }
        }
    }

    /** Runs on the thread. */
    private void died(String saw) {
        // a dead session has nothing left to watch; a closed one has cancelled its watch already
        cancelWatch();
        life.browserDied(this, () -> {
            ProcessHandle browser = browserProcess.orElse(null);
            if (browser != null && !browser.isAlive() && !saw.startsWith("the browser process")) {
                return "the browser process " + browser.pid() + " has exited (" + saw + ")";
            }
            return saw;
        });
    }

    @Override
    public void close() {
        if (!life.close()) {
            return;
        }
        cancelWatch();
        boolean browserGone = life.isDead() || browserProcess.map(p -> !ProcessTree.isRunning(p)).orElse(false);
        if (driverProcess.isPresent() && browserGone) {
            // Nothing to ask a local driver about a dead browser: the kill below ends the driver, and the thread's
            // call with it. (A remote session is still quit: that frees its slot on the Grid.)
            thread.stop(Duration.ZERO);
        } else {
            try {
                thread.call("close browser " + id, timeouts.command().plus(KILL_WAIT), () -> {
                    quit();
                    return null;
                });
            } catch (BackendException e) {
                // still busy, e.g. with a start that outlived its timeout: quit once that is done
                LOG.log(Level.WARNING, "browser {0}: {1}", id, e.getMessage());
                thread.post(this::quit);
            }
            thread.stop(timeouts.command());
        }
        // whatever the driver could not end must not outlive the session
        List<ProcessHandle> left = new ArrayList<>(starter.leftovers());
        browserProcess.ifPresent(left::add);
        driverProcess.ifPresent(left::add);
        List<Long> killed = ProcessTree.kill(left, KILL_WAIT);
        if (!killed.isEmpty()) {
            // A dead browser's local driver is ended this way on purpose; anything else outlived an orderly quit.
            LOG.log(driverProcess.isPresent() && browserGone ? Level.DEBUG : Level.WARNING,
                    "browser {0}: killed processes {1}, which outlived the session", id, killed);
        }
        pages.clear();
        onClosed.accept(this);
    }

    /** Runs on the thread. */
    private void quit() {
        if (started == null) {
            return;
        }
        try {
            started.driver().quit();
        } catch (WebDriverException e) {
            LOG.log(Level.DEBUG, "browser {0}: quit: {1}", id, Failures.summary(e));
        } finally {
            started.release().run();
        }
    }

    private void cancelWatch() {
        DriverThread.Repetition current = watch;
        if (current != null) {
            current.cancel();
        }
    }

    @Override
    public String toString() {
        return "webdriver browser " + id + " (" + starter.where() + ")";
    }
}
