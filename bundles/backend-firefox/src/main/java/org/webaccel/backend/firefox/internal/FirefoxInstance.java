package org.webaccel.backend.firefox.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.backend.support.BrowserLife;
import org.webaccel.backend.support.DriverThread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Firefox process with its own profile and one WebDriver BiDi session; every worker page is a tab.
 *
 * <p>Firefox's first tab is left alone: it keeps the window, and so the browser, open while the pool closes
 * and replaces worker tabs.
 *
 * <p>Threads: the BiDi connection is thread-safe (numbered commands answered through futures), so commands
 * need no owning thread and are sent from the caller's. Its receiving thread only sorts messages; deaths are
 * judged and reported on {@link #eventThread}, where a round trip to the browser may block without stalling
 * the connection.
 */
final class FirefoxInstance implements BrowserInstance {

    private static final System.Logger LOG = System.getLogger(FirefoxInstance.class.getName());
    /** Firefox's own shutdown takes about half a second; give it more before killing it. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);
    /** A page's disappearance is only its own if the browser still answers this quickly. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(1);
    private static final List<String> SESSION_EVENTS =
            List.of("browsingContext.contextDestroyed", "browsingContext.navigationCommitted");

    private final String id;
    private final BrowserLife life;
    private final FirefoxSettings settings;
    private final Consumer<FirefoxInstance> onClosed;
    private final ExecutorService connectionThreads;
    private final DriverThread eventThread;
    /** Worker pages by browsing context id. */
    private final Map<String, FirefoxPage> pages = new ConcurrentHashMap<>();
    private final AtomicInteger pageCount = new AtomicInteger();

    private volatile FirefoxProfile profile;
    private volatile FirefoxProcess process;
    private volatile BidiConnection connection;
    private volatile TabOpener tabs;
    private volatile String version = "unknown";
    /** Set once the launch has succeeded: a browser that fails to start is reported by the launch's exception. */
    private volatile boolean started;

    private FirefoxInstance(LaunchSpec spec, FirefoxSettings settings, Consumer<FirefoxInstance> onClosed) {
        this.id = spec.id();
        this.life = new BrowserLife(spec.id(), spec.events());
        this.settings = settings;
        this.onClosed = onClosed;
        this.connectionThreads = Executors.newCachedThreadPool(threads("webaccel-firefox-" + id + "-bidi"));
        this.eventThread = new DriverThread("webaccel-firefox-" + id + "-events", Throwable::getMessage);
    }

    /**
     * Starts Firefox and opens a WebDriver BiDi session with it.
     *
     * @param spec the id and the event sink
     * @param settings the backend's settings
     * @param template a profile to start from a copy of, or empty for an empty profile
     * @param onClosed told once the instance has closed
     * @return the running browser
     * @throws BackendException when Firefox does not start or refuses the session, with its words
     */
    static FirefoxInstance launch(LaunchSpec spec, FirefoxSettings settings, Optional<Path> template,
            Consumer<FirefoxInstance> onClosed) throws BackendException {
        FirefoxInstance instance = new FirefoxInstance(spec, settings, onClosed);
        try {
            instance.start(template);
            return instance;
        } catch (BackendException | RuntimeException e) {
            instance.close();
            throw e;
        }
    }

    private void start(Optional<Path> template) throws BackendException {
        long begin = System.nanoTime();
        Deadline deadline = Deadline.in(settings.launchTimeout());
        try {
            profile = FirefoxProfile.create(id, settings, template);
            process = FirefoxProcess.start(id, settings, profile);
        } catch (IOException e) {
            throw new BackendException("cannot start Firefox " + settings.executable() + ": " + e.getMessage(), e);
        }
        URI endpoint = process.awaitEndpoint(deadline.remaining());
        long listening = System.nanoTime();
        try {
            connection = BidiConnection.open(endpoint.resolve("/session"), connectionThreads, deadline.remaining(),
                    this::onEvent, reason -> eventThread.post(() -> died(reason)));
            // Firefox answers session.new once its first window has finished starting up: most of a launch.
            JsonNode session = connection.call("session.new",
                    BidiConnection.params().set("capabilities", BidiConnection.params()), deadline.remaining());
            version = session.path("capabilities").path("browserVersion").asText("unknown");
            tabs = new TabOpener(connection);
            connection.call("session.subscribe",
                    BidiConnection.params().set("events", BidiConnection.array(SESSION_EVENTS)), deadline.remaining());
        } catch (BidiException e) {
            throw new BackendException("no WebDriver BiDi session with Firefox " + settings.executable() + " at " + endpoint
                    + " (launch timeout " + settings.launchTimeout().toMillis() + " ms): " + e.getMessage()
                    + "; it printed: " + process.recentOutput());
        }
        started = true;
        process.onExit().thenRun(() -> eventThread.post(() -> died("the Firefox process exited")));
        process.rememberDescendants();
        LOG.log(Level.INFO, "browser {0}: Firefox {1}, pid {2}, profile {3}{4}; BiDi listening after {5} ms, session after {6} ms",
                id, version, String.valueOf(process.handle().pid()), profile,
                template.isPresent() ? " (a copy of the template)" : "", millisSince(begin, listening),
                millisSince(listening, System.nanoTime()));
        if (settings.webgpu()) {
            warnAboutMissingVulkanDriver();
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        FirefoxProcess running = process;
        return running == null ? OptionalLong.empty() : OptionalLong.of(running.handle().pid());
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public boolean isAlive() {
        FirefoxProcess running = process;
        return !life.isOver() && running != null && running.handle().isAlive();
    }

    /** Opens a tab and navigates it; returns once the navigation has committed (see {@link TabOpener}). */
    @Override
    public BrowserPage openPage(URI url) throws BackendException {
        life.checkUsable("open " + url);
        long begin = System.nanoTime();
        Deadline deadline = Deadline.in(settings.navigationTimeout());
        FirefoxPage page;
        try {
            page = new FirefoxPage("page-" + pageCount.incrementAndGet(), tabs.createTab(deadline), this);
        } catch (BidiException e) {
            throw new BackendException("cannot open a tab in browser " + id + ": " + e.getMessage());
        }
        pages.put(page.context(), page);
        try {
            TabOpener.Navigation navigation = tabs.navigate(page.context(), url, deadline);
            page.opened(navigation.id(), navigation.url());
        } catch (BackendException e) {
            page.markCloseRequested();
            closeTab(page);
            throw e;
        }
        process.rememberDescendants();
        LOG.log(Level.DEBUG, "browser {0}: {1} opened {2} in {3} ms", id, page.id(), url, millisSince(begin, System.nanoTime()));
        return page;
    }

    /** Called by {@link FirefoxPage#close()}, once per page. */
    void closePage(FirefoxPage page) {
        if (life.isOver()) {
            return;
        }
        closeTab(page);
    }

    private void closeTab(FirefoxPage page) {
        try {
            connection.call("browsingContext.close",
                    BidiConnection.params().put("context", page.context()).put("promptUnload", false), CLOSE_TIMEOUT);
        } catch (BidiException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", page, e.getMessage());
        }
        pages.remove(page.context());
    }

    /**
     * Sends a command in this browser's session; for tests, which check what a page sees.
     *
     * @param method e.g. {@code script.evaluate}
     * @param params its parameters
     * @return the result
     * @throws BidiException when the browser answers with an error
     */
    JsonNode command(String method, ObjectNode params) throws BidiException {
        return connection.call(method, params, settings.navigationTimeout());
    }

    /** Runs on the connection's receiving thread: sorts the event and hands deaths to the event thread. */
    private void onEvent(String method, JsonNode params) {
        String context = params.path("context").asText();
        switch (method) {
            case "network.responseStarted" -> tabs.responseStarted(params);
            case "browsingContext.contextDestroyed" -> {
                FirefoxPage page = pages.get(context);
                if (page != null) {
                    eventThread.post(() -> pageGone(page, "its tab was closed, but not by the pool"));
                }
            }
            case "browsingContext.navigationCommitted" -> {
                FirefoxPage page = pages.get(context);
                String committed = params.path("url").asText();
                if (page != null && page.isReplacedBy(params.path("navigation").asText(), committed)) {
                    // Firefox shows a crashed tab's content process as a commit of about:blank in that tab.
                    String reason = committed.equals("about:blank") || committed.startsWith("about:tabcrashed")
                            ? "its tab's content process crashed (the tab now shows " + committed + ")"
                            : "its tab navigated away to " + committed;
                    eventThread.post(() -> pageGone(page, reason));
                }
            }
            default -> LOG.log(Level.TRACE, "browser {0}: event {1}", id, method);
        }
    }

    /** Runs on the event thread. */
    private void pageGone(FirefoxPage page, String reason) {
        life.pageDied(page, reason, this::browserAnswers);
    }

    /**
     * When Firefox quits, it closes its tabs first and their events arrive before the connection drops;
     * that is the browser's death, not theirs. One round trip tells the two apart.
     */
    private boolean browserAnswers() {
        try {
            connection.call("browsingContext.getTree", BidiConnection.params().put("maxDepth", 0), PROBE_TIMEOUT);
            return process.handle().isAlive();
        } catch (BidiException e) {
            return false;
        }
    }

    /** Runs on the event thread. */
    private void died(String seen) {
        // a browser that fails to start is reported by the launch's exception
        if (started) {
            life.browserDied(this, () -> deathReason(seen));
        }
    }

    /**
     * A killed Firefox drops the connection at once, but the JVM learns of the exit a moment later; the
     * exit is what a user needs to hear, so it is worth a short wait.
     */
    private String deathReason(String seen) {
        try {
            process.onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return seen;
        } catch (ExecutionException | TimeoutException e) {
            return seen + "; the Firefox process " + process.handle().pid() + " still runs";
        }
        int code = process.exitCode();
        String exit = code > 128 ? "was killed by signal " + (code - 128) : "has exited with code " + code;
        return "the Firefox process " + process.handle().pid() + " " + exit + " (" + seen + ")";
    }

    /**
     * Asks Firefox to quit ({@code browser.close}), waits a little, then kills whatever is left of it, the
     * processes it forked included, and removes the profile.
     */
    @Override
    public void close() {
        if (!life.close()) {
            return;
        }
        long begin = System.nanoTime();
        if (connection != null && connection.isOpen() && process.handle().isAlive()) {
            quit();
        }
        if (connection != null) {
            connection.close();
        }
        if (process != null) {
            List<Long> killed = process.kill(KILL_WAIT);
            if (!killed.isEmpty()) {
                LOG.log(Level.INFO, "browser {0}: killed what was left of Firefox {1}: {2}", id,
                        String.valueOf(process.handle().pid()), killed);
            }
        }
        if (profile != null) {
            profile.delete();
        }
        // Not awaited: close() may run on the event thread itself, inside a listener.
        eventThread.stop(Duration.ZERO);
        connectionThreads.shutdown();
        LOG.log(Level.DEBUG, "browser {0}: closed in {1} ms", id, millisSince(begin, System.nanoTime()));
        onClosed.accept(this);
    }

    /** Asks Firefox to quit and waits for its exit, so that it can end its forked processes itself. */
    private void quit() {
        try {
            long begin = System.nanoTime();
            connection.call("browser.close", BidiConnection.params(), CLOSE_TIMEOUT);
            long answered = System.nanoTime();
            process.onExit().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(Level.DEBUG, "browser {0}: browser.close answered in {1} ms, exit {2} ms later", id,
                    millisSince(begin, answered), millisSince(answered, System.nanoTime()));
        } catch (BidiException e) {
            LOG.log(Level.DEBUG, "browser {0}: browser.close: {1}", id, e.getMessage());
        } catch (TimeoutException | ExecutionException e) {
            LOG.log(Level.DEBUG, "browser {0}: no exit within {1} ms of browser.close", id,
                    String.valueOf(CLOSE_TIMEOUT.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warnAboutMissingVulkanDriver() {
        String icd = settings.webgpuEnvironment().get("VK_ICD_FILENAMES");
        if (icd != null && !Files.exists(Path.of(icd))) {
            LOG.log(Level.WARNING, "browser {0}: VK_ICD_FILENAMES names {1}, which does not exist: pages will get no "
                    + "WebGPU adapter", id, icd);
        }
    }

    private static String millisSince(long from, long to) {
        return String.valueOf((to - from) / 1_000_000);
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(work, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "firefox " + id;
    }
}
