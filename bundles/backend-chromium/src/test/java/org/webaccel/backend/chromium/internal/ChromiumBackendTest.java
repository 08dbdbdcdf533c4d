package org.webaccel.backend.chromium.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;

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
    private RecordingEvents events;
    private ChromiumBackend backend;
    private Set<Long> processesBefore;

    static ChromiumSettings settings(Path executable) {
        return new ChromiumSettings(executable, List.of(), true, true, Duration.ofSeconds(30), Duration.ofSeconds(15),
                Path.of("/usr/bin/node"), DRIVER_FOLDER);
    }

    @Before
    public void setUp() throws Exception {
        processesBefore = descendants();
        site = new TestSite().page("/worker", WORKER);
        events = new RecordingEvents();
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
        assertTrue(description.browserVersion(), description.browserVersion().matches("1\\d\\d\\.\\d+\\.\\d+\\.\\d+"));
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
            assertTrue(browser.version(), browser.version().matches("1\\d\\d\\..+"));
            assertTrue("pid", browser.pid().isPresent());
            assertTrue(ProcessHandle.of(browser.pid().getAsLong()).orElseThrow().info().command().orElse("")
                    .contains("chromium"));

            BrowserPage first = browser.openPage(site.uri("/worker"));
            BrowserPage second = browser.openPage(site.uri("/worker"));

            assertNotEquals(first.id(), second.id());
            assertSame(browser, first.browser());
            waitUntil("both pages ran their script", 10_000, () -> site.hits("/ping") == 2);
            assertEquals(2, site.hits("/worker"));
            assertTrue(browser.isAlive());
        }
        assertNull(RecordingEvents.next(events.pages, 0));
        assertNull(RecordingEvents.next(events.browsers, 0));
    }

    @Test
    public void pagesGetAWebGpuAdapter() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("gpu", events))) {
            browser.openPage(site.uri("/worker"));

            waitUntil("the page asked for an adapter", 20_000,
                    () -> site.hits("/webgpu-adapter") + site.hits("/no-webgpu-adapter") > 0);
            assertEquals(1, site.hits("/webgpu-adapter"));
        }
    }

    @Test
    public void killingTheBrowserReportsItsDeath() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("victim", events));
        browser.openPage(site.uri("/worker"));
        ProcessHandle process = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow();

        long killed = System.nanoTime();
        assertTrue(process.destroyForcibly());

        RecordingEvents.Death death = RecordingEvents.next(events.browsers, 3_000);
        assertNotNull("browserDied within 3 s", death);
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("exited") || death.reason().contains("disconnected"));
        System.out.printf("browserDied %d ms after kill -9: %s%n", (death.nanoTime() - killed) / 1_000_000, death.reason());
        assertFalse(browser.isAlive());
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        assertNull("the pages went with the browser, not on their own", RecordingEvents.next(events.pages, 500));
        assertNull("reported once", RecordingEvents.next(events.browsers, 0));

        browser.close();
        assertNoProcessLeft();
    }

    @Test
    public void aCrashedRendererIsReportedAsPageDeath() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("crash", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));
            waitUntil("the page ran", 10_000, () -> site.hits("/ping") == 1);
            List<ProcessHandle> renderers = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow().descendants()
                    .filter(p -> commandLine(p).contains("--type=renderer")).toList();
            assertFalse("renderer processes", renderers.isEmpty());

            long killed = System.nanoTime();
            renderers.forEach(ProcessHandle::destroyForcibly);

            RecordingEvents.Death death = RecordingEvents.next(events.pages, 3_000);
            assertNotNull("pageDied within 3 s", death);
            assertSame(page, death.subject());
            assertTrue(death.reason(), death.reason().contains("crashed"));
            System.out.printf("pageDied %d ms after the renderer was killed: %s%n",
                    (death.nanoTime() - killed) / 1_000_000, death.reason());
            assertTrue("the browser survives its page", browser.isAlive());
            assertNull(RecordingEvents.next(events.browsers, 0));
            browser.openPage(site.uri("/worker"));
            waitUntil("a new page runs", 10_000, () -> site.hits("/ping") == 2);
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

            RecordingEvents.Death death = RecordingEvents.next(events.pages, 3_000);
            assertNotNull("pageDied within 3 s", death);
            assertSame(closed, death.subject());
            assertTrue(death.reason(), death.reason().contains("closed"));
            assertNull("only that page", RecordingEvents.next(events.pages, 500));
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
            waitUntil("the page ran", 10_000, () -> site.hits("/ping") == 1);
            page.close();
            page.close();

            assertNull(RecordingEvents.next(events.pages, 1_000));
            browser.openPage(site.uri("/worker"));
            waitUntil("the other page runs", 10_000, () -> site.hits("/ping") == 2);
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

            assertNull("failed pages are not deaths", RecordingEvents.next(events.pages, 500));
            assertTrue(browser.isAlive());
        }
    }

    @Test
    public void closeEndsBrowserAndDriver() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("short", events));
        browser.openPage(site.uri("/worker"));
        assertTrue("a browser and a driver run", descendants().size() > processesBefore.size() + 1);

        browser.close();
        browser.close();

        assertFalse(browser.isAlive());
        assertNoProcessLeft();
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        assertNull(RecordingEvents.next(events.browsers, 0));
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
        waitUntil("no chromium or node process is left", 5_000, () -> newProcesses().isEmpty());
    }

    private Set<String> newProcesses() {
        return ProcessHandle.current().descendants().filter(p -> !processesBefore.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.toSet());
    }

    /** Chromium's helpers rewrite their command line as one string, which ProcessHandle.Info does not parse. */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        } catch (IOException e) {
            return "";
        }
    }

    private static Set<Long> descendants() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private void waitUntil(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + millis + " ms; processes: " + newProcesses()
                        + "; hits: /ping " + site.hits("/ping"));
            }
            Thread.sleep(50);
        }
    }
}
