package org.webaccel.backend.chromium.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.testing.Await;
import org.webaccel.testing.BrowserEventLog;
import org.webaccel.testing.Processes;
import org.webaccel.testing.StartedProcesses;
import org.webaccel.testing.TestSite;

/** Runs the backend against the Chromium and Node.js installed on this machine. */
public class ChromiumBackendTest {

    /** Shared by the tests so that the driver is unpacked once per build; {@code mvn clean} removes it. */
    private static final Path DRIVER_FOLDER = Path.of("target", "playwright-driver").toAbsolutePath();

    private static final String WORKER = "<!doctype html><title>worker</title><script>"
            + "fetch('/ping?' + Math.random());"
            + "(async () => {"
            + "  const adapter = navigator.gpu && await navigator.gpu.requestAdapter();"
            + "  fetch(adapter ? '/webgpu-adapter' : '/no-webgpu-adapter');"
            + "})();</script>";

    private TestSite site;
    private BrowserEventLog events;
    private ChromiumBackend backend;
    private StartedProcesses started;

    static ChromiumSettings settings(Path executable) {
        return new ChromiumSettings(executable, List.of(), true, true, Duration.ofSeconds(30), Duration.ofSeconds(15),
                Path.of("/usr/bin/node"), DRIVER_FOLDER);
    }

    @Before
    public void setUp() throws Exception {
        started = new StartedProcesses();
        site = new TestSite().page("/worker", WORKER);
        events = new BrowserEventLog();
        backend = new ChromiumBackend(settings(Path.of("/usr/bin/chromium")));
    }

    @After
    public void tearDown() {
        backend.close();
        site.close();
    }

    @Test
    public void describeReportsTheInstalledChromium() {
        BackendDescription description = backend.describe();

        assertTrue(description.reason(), description.available());
        assertEquals("chromium", description.name());
        assertEquals("chromium", description.family());
        assertTrue(description.browserVersion(), description.browserVersion().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
        assertSame("probed once", description, backend.describe());
    }

    @Test
    public void describeExplainsAMissingExecutable() {
        ChromiumBackend missing = new ChromiumBackend(settings(Path.of("/opt/nowhere/chromium")));

        BackendDescription description = missing.describe();

        assertFalse(description.available());
        assertTrue(description.reason(), description.reason().contains("/opt/nowhere/chromium does not exist"));
        BackendException refused = assertThrows(BackendException.class,
                () -> missing.launch(new LaunchSpec("b0", events)));
        assertTrue(refused.getMessage(), refused.getMessage().contains("/opt/nowhere/chromium does not exist"));
    }

    @Test
    public void describeExplainsAnExecutableThatFails() {
        BackendDescription description = new ChromiumBackend(settings(Path.of("/bin/false"))).describe();

        assertFalse(description.available());
        assertTrue(description.reason(), description.reason().contains("exited with code 1"));
    }

    @Test
    public void pagesOfOneBrowserLoadTheirUrl() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("b1", events))) {
            assertEquals("b1", browser.id());
            assertTrue(browser.version(), browser.version().matches("\\d+\\..+"));
            assertTrue("pid", browser.pid().isPresent());
            assertTrue("the reported pid is the browser this launch started, by the switch it passed",
                    Processes.hasArgument(ProcessHandle.of(browser.pid().getAsLong()).orElseThrow(), "--webaccel-browser="));

            BrowserPage first = browser.openPage(site.uri("/worker"));
            BrowserPage second = browser.openPage(site.uri("/worker"));

            assertNotEquals(first.id(), second.id());
            assertSame(browser, first.browser());
            waitUntil("both pages ran their script", () -> site.hits("/ping") == 2);
            assertEquals(2, site.hits("/worker"));
            assertTrue(browser.isAlive());
        }
        events.assertNoPageDeath("closing is no death", Duration.ZERO);
        events.assertNoBrowserDeath("closing is no death", Duration.ZERO);
    }

    @Test
    public void pagesGetAWebGpuAdapter() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("gpu", events))) {
            browser.openPage(site.uri("/worker"));

            waitUntil("the page asked for an adapter", () -> site.hits("/webgpu-adapter") + site.hits("/no-webgpu-adapter") > 0);
            assertEquals(1, site.hits("/webgpu-adapter"));
        }
    }

    @Test
    public void killingTheBrowserReportsItsDeath() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("victim", events));
        browser.openPage(site.uri("/worker"));
        ProcessHandle process = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow();

        assertTrue(process.destroyForcibly());

        BrowserEventLog.Death death = events.nextBrowserDeath();
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("exited") || death.reason().contains("disconnected"));
        assertFalse(browser.isAlive());
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        events.assertNoPageDeath("the pages went with the browser, not on their own", Duration.ofMillis(500));
        events.assertNoBrowserDeath("reported once", Duration.ZERO);

        browser.close();
        assertNoProcessLeft();
    }

    @Test
    public void aCrashedRendererIsReportedAsPageDeath() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("crash", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));
            waitUntil("the page ran", () -> site.hits("/ping") == 1);
            List<ProcessHandle> renderers = Processes.chromiumHelpers(
                    ProcessHandle.of(browser.pid().getAsLong()).orElseThrow(), "renderer");
            assertFalse("renderer processes", renderers.isEmpty());

            renderers.forEach(ProcessHandle::destroyForcibly);

            BrowserEventLog.Death death = events.nextPageDeath();
            assertSame(page, death.subject());
            assertTrue(death.reason(), death.reason().contains("crashed"));
            assertTrue("the browser survives its page", browser.isAlive());
            events.assertNoBrowserDeath("the browser survives its page", Duration.ZERO);
            browser.openPage(site.uri("/worker"));
            waitUntil("a new page runs", () -> site.hits("/ping") == 2);
        }
    }

    /**
     * A page cannot close itself (window.close() only works in tabs that scripts opened), so another
     * DevTools client closes it, as a user or an extension could.
     */
    @Test
    public void aPageClosedBehindThePoolsBackIsReported() throws Exception {
        int devToolsPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            devToolsPort = socket.getLocalPort();
        }
        ChromiumSettings base = settings(Path.of("/usr/bin/chromium"));
        ChromiumSettings withDevTools = new ChromiumSettings(base.executable(),
                List.of("--remote-debugging-port=" + devToolsPort), base.webgpu(), base.headless(), base.launchTimeout(),
                base.navigationTimeout(), base.node(), base.driverDirectory());
        ChromiumBackend devToolsBackend = new ChromiumBackend(withDevTools);
        try (BrowserInstance browser = devToolsBackend.launch(new LaunchSpec("closer", events))) {
            BrowserPage kept = browser.openPage(site.uri("/worker?kept"));
            BrowserPage closed = browser.openPage(site.uri("/worker?closed"));

            DevTools.closeTarget(devToolsPort, site.uri("/worker?closed"));

            BrowserEventLog.Death death = events.nextPageDeath();
            assertSame(closed, death.subject());
            assertTrue(death.reason(), death.reason().contains("closed"));
            events.assertNoPageDeath("only that page", Duration.ofMillis(500));
            assertNotNull(kept);
            assertTrue(browser.isAlive());
        } finally {
            devToolsBackend.close();
        }
    }

    @Test
    public void closingAPageIsNoDeath() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("tidy", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));
            waitUntil("the page ran", () -> site.hits("/ping") == 1);
            page.close();
            page.close();

            events.assertNoPageDeath("closing is no death", Duration.ofSeconds(1));
            browser.openPage(site.uri("/worker"));
            waitUntil("the other page runs", () -> site.hits("/ping") == 2);
        }
    }

    @Test
    public void navigationFailuresAreReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (BrowserInstance browser = backend.launch(new LaunchSpec("lost", events))) {
            BackendException refused = assertThrows(BackendException.class,
                    () -> browser.openPage(URI.create("http://127.0.0.1:" + closedPort + "/worker")));
            assertTrue(refused.getMessage(), refused.getMessage().contains("ERR_CONNECTION_REFUSED"));

            BackendException missing = assertThrows(BackendException.class,
                    () -> browser.openPage(site.uri("/missing/worker")));
            assertTrue(missing.getMessage(), missing.getMessage().contains("404"));

            events.assertNoPageDeath("failed pages are not deaths", Duration.ofMillis(500));
            assertTrue(browser.isAlive());
        }
    }

    @Test
    public void closeEndsBrowserAndDriver() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("short", events));
        browser.openPage(site.uri("/worker"));
        assertTrue("a browser and a driver run: " + started.added(), started.added().size() > 1);

        browser.close();
        browser.close();

        assertFalse(browser.isAlive());
        assertNoProcessLeft();
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        events.assertNoBrowserDeath("closing is no death", Duration.ZERO);
    }

    @Test
    public void deactivationClosesTheBrowsersLeftOpen() throws Exception {
        BrowserInstance first = backend.launch(new LaunchSpec("left-1", events));
        BrowserInstance second = backend.launch(new LaunchSpec("left-2", events));

        backend.close();

        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        assertNoProcessLeft();
    }

    private void assertNoProcessLeft() throws InterruptedException {
        started.awaitAllGone();
    }

    private void waitUntil(String what, Await.Condition condition) throws InterruptedException {
        Await.until(what, condition, () -> "processes: " + started.added() + "; hits: /ping " + site.hits("/ping"));
    }
}
