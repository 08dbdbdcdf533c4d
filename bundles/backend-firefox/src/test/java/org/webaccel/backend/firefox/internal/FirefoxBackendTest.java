package org.webaccel.backend.firefox.internal;

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
import java.util.Map;
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

import com.fasterxml.jackson.databind.JsonNode;

/** Runs the backend against the Firefox ESR installed on this machine; nothing is mocked. */
public class FirefoxBackendTest {

    private static final String WORKER = "<!doctype html><title>worker</title><script>"
            + "fetch('/ping?' + Math.random());"
            + "(async () => {"
            + "  const adapter = navigator.gpu && await navigator.gpu.requestAdapter();"
            + "  fetch(adapter ? '/webgpu-adapter' : '/no-webgpu-adapter');"
            + "})();</script>";

    /** What the page itself says of its WebGPU adapter; "null" when it has none. */
    private static final String ADAPTER_INFO = "(async () => {"
            + "  const adapter = navigator.gpu && await navigator.gpu.requestAdapter();"
            + "  if (!adapter) { return 'null'; }"
            + "  const info = adapter.info || {};"
            + "  return JSON.stringify({vendor: info.vendor, architecture: info.architecture, description: info.description,"
            + "    fallback: info.isFallbackAdapter, maxBufferSize: adapter.limits.maxBufferSize,"
            + "    features: [...adapter.features]});"
            + "})()";

    private TestSite site;
    private RecordingEvents events;
    private FirefoxBackend backend;
    private Set<Long> processesBefore;

    static FirefoxSettings settings(Path executable) {
        return new FirefoxSettings(executable, true, true,
                Map.of("VK_ICD_FILENAMES", "/usr/lib/chromium/vk_swiftshader_icd.json", "LD_LIBRARY_PATH", "/usr/lib/chromium"),
                Map.of(), Duration.ofSeconds(30), Duration.ofSeconds(15));
    }

    @Before
    public void setUp() throws Exception {
        processesBefore = descendants();
        site = new TestSite().page("/worker", WORKER);
        events = new RecordingEvents();
        backend = new FirefoxBackend(settings(Path.of("/usr/bin/firefox-esr")));
    }

    @After
    public void tearDown() {
        backend.close();
        site.close();
    }

    @Test
    public void describeReportsTheInstalledFirefox() {
        BackendDescription description = backend.describe();

        assertTrue(description.reason(), description.available());
        assertEquals("firefox", description.name());
        assertEquals("firefox", description.family());
        assertTrue(description.browserVersion(), description.browserVersion().matches("1\\d\\d\\.\\d+(\\.\\d+)?esr"));
        assertSame("probed once", description, backend.describe());
    }

    @Test
    public void anInterruptedProbeIsNotKept() {
        Thread.currentThread().interrupt();
        BackendDescription interrupted = backend.describe();
        assertTrue("the interrupt is kept for the caller", Thread.interrupted());

        assertFalse(interrupted.available());
        assertTrue(interrupted.reason(), interrupted.reason().contains("interrupted"));
        assertTrue(backend.describe().reason(), backend.describe().available());
    }

    @Test
    public void describeExplainsAMissingExecutable() {
        FirefoxBackend missing = new FirefoxBackend(settings(Path.of("/opt/nowhere/firefox")));

        BackendDescription description = missing.describe();

        assertFalse(description.available());
        assertEquals("firefox", description.name());
        assertTrue(description.reason(), description.reason().contains("/opt/nowhere/firefox does not exist"));
        BackendException refused = assertThrows(BackendException.class, () -> missing.launch(new LaunchSpec("b0", events)));
        assertTrue(refused.getMessage(), refused.getMessage().contains("/opt/nowhere/firefox does not exist"));
    }

    @Test
    public void describeExplainsAnExecutableThatFails() {
        BackendDescription description = new FirefoxBackend(settings(Path.of("/bin/false"))).describe();

        assertFalse(description.available());
        assertTrue(description.reason(), description.reason().contains("exited with code 1"));
    }

    /** A stand-in that knows its version but fails to start, as a broken installation would. */
    @Test
    public void aFirefoxThatExitsAtOnceFailsTheLaunchWithItsWords() throws Exception {
        Path broken = Files.createTempFile("broken-firefox", ".sh");
        try {
            Files.writeString(broken, "#!/bin/sh\n"
                    + "if [ \"$1\" = --version ]; then echo 'Mozilla Firefox 140.0esr'; exit 0; fi\n"
                    + "echo 'Error: cannot open display' >&2; exit 3\n");
            broken.toFile().setExecutable(true);
            Set<Path> profilesBefore = profiles();
            FirefoxBackend brokenBackend = new FirefoxBackend(settings(broken));
            assertTrue(brokenBackend.describe().available());

            BackendException failed = assertThrows(BackendException.class,
                    () -> brokenBackend.launch(new LaunchSpec("broken", events)));

            assertTrue(failed.getMessage(), failed.getMessage().contains("exited with code 3"));
            assertTrue(failed.getMessage(), failed.getMessage().contains("cannot open display"));
            assertEquals("the profile is removed", profilesBefore, profiles());
            assertNull(RecordingEvents.next(events.browsers, 200));
        } finally {
            Files.delete(broken);
        }
    }

    @Test
    public void pagesOfOneBrowserLoadTheirUrl() throws Exception {
        long launchStart = System.nanoTime();
        try (BrowserInstance browser = backend.launch(new LaunchSpec("b1", events))) {
            long launched = System.nanoTime();
            assertEquals("b1", browser.id());
            assertTrue(browser.version(), browser.version().matches("1\\d\\d\\..+"));
            assertTrue("pid", browser.pid().isPresent());
            assertTrue(ProcessHandle.of(browser.pid().getAsLong()).orElseThrow().info().command().orElse("")
                    .contains("firefox"));

            BrowserPage first = browser.openPage(site.uri("/worker"));
            long firstOpened = System.nanoTime();
            BrowserPage second = browser.openPage(site.uri("/worker"));
            long secondOpened = System.nanoTime();

            assertNotEquals(first.id(), second.id());
            assertSame(browser, first.browser());
            waitUntil("both pages ran their script", 10_000, () -> site.hits("/ping") == 2);
            assertEquals(2, site.hits("/worker"));
            assertTrue(browser.isAlive());
            System.out.printf("launch %d ms; first page %d ms; second page %d ms%n", (launched - launchStart) / 1_000_000,
                    (firstOpened - launched) / 1_000_000, (secondOpened - firstOpened) / 1_000_000);
        }
        assertNull(RecordingEvents.next(events.pages, 0));
        assertNull(RecordingEvents.next(events.browsers, 0));
    }

    @Test
    public void pagesGetAWebGpuAdapter() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("gpu", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));

            waitUntil("the page asked for an adapter", 20_000,
                    () -> site.hits("/webgpu-adapter") + site.hits("/no-webgpu-adapter") > 0);
            assertEquals(1, site.hits("/webgpu-adapter"));
            String info = evaluate((FirefoxInstance) browser, (FirefoxPage) page, ADAPTER_INFO);
            System.out.println("WebGPU adapter in Firefox: " + info);
            assertNotEquals("requestAdapter() returned null", "null", info);
            assertTrue(info, info.contains("maxBufferSize"));
        }
    }

    @Test
    public void withoutWebGpuThePageGetsNoAdapter() throws Exception {
        FirefoxSettings base = settings(Path.of("/usr/bin/firefox-esr"));
        FirefoxBackend plain = new FirefoxBackend(new FirefoxSettings(base.executable(), true, false,
                base.webgpuEnvironment(), Map.of(), base.launchTimeout(), base.navigationTimeout()));
        try (BrowserInstance browser = plain.launch(new LaunchSpec("plain", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));

            assertEquals("null", evaluate((FirefoxInstance) browser, (FirefoxPage) page, ADAPTER_INFO));
        } finally {
            plain.close();
        }
    }

    @Test
    public void killingTheBrowserReportsItsDeath() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("victim", events));
        browser.openPage(site.uri("/worker"));
        waitUntil("the page ran", 10_000, () -> site.hits("/ping") == 1);
        ProcessHandle process = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow();
        List<ProcessHandle> forked = process.descendants().toList();
        assertFalse("Firefox forks content processes", forked.isEmpty());

        long killed = System.nanoTime();
        assertTrue(process.destroyForcibly());

        RecordingEvents.Death death = RecordingEvents.next(events.browsers, 3_000);
        assertNotNull("browserDied within 3 s", death);
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("killed by signal 9"));
        System.out.printf("browserDied %d ms after kill -9: %s%n", (death.nanoTime() - killed) / 1_000_000, death.reason());
        assertFalse(browser.isAlive());
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        assertNull("the pages went with the browser, not on their own", RecordingEvents.next(events.pages, 500));
        assertNull("reported once", RecordingEvents.next(events.browsers, 0));

        browser.close();
        waitUntil("every process Firefox forked is gone", 5_000, () -> forked.stream().noneMatch(ProcessHandle::isAlive));
        assertNoProcessLeft();
    }

    @Test
    public void aCrashedTabIsReportedAsPageDeath() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("crash", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));
            waitUntil("the page ran", 10_000, () -> site.hits("/ping") == 1);
            // Fission puts the 127.0.0.1 site in its own "Isolated Web Content" process; only this page uses it.
            List<ProcessHandle> contentProcesses = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow().descendants()
                    .filter(p -> processName(p).equals("Isolated Web Co")).toList();
            assertFalse("isolated content processes", contentProcesses.isEmpty());

            long killed = System.nanoTime();
            contentProcesses.forEach(ProcessHandle::destroyForcibly);

            RecordingEvents.Death death = RecordingEvents.next(events.pages, 3_000);
            assertNotNull("pageDied within 3 s", death);
            assertSame(page, death.subject());
            assertTrue(death.reason(), death.reason().contains("crashed"));
            System.out.printf("pageDied %d ms after the content process was killed: %s%n",
                    (death.nanoTime() - killed) / 1_000_000, death.reason());
            assertTrue("the browser survives its tab", browser.isAlive());
            assertNull(RecordingEvents.next(events.browsers, 0));
            page.close();
            browser.openPage(site.uri("/worker"));
            waitUntil("a new page runs", 10_000, () -> site.hits("/ping") == 2);
            assertNull("reported once", RecordingEvents.next(events.pages, 500));
        }
    }

    /** Someone else closes the tab, as a user or an extension could; here through the same BiDi session. */
    @Test
    public void aTabClosedBehindThePoolsBackIsReported() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("closer", events))) {
            FirefoxPage kept = (FirefoxPage) browser.openPage(site.uri("/worker?kept"));
            FirefoxPage closed = (FirefoxPage) browser.openPage(site.uri("/worker?closed"));

            ((FirefoxInstance) browser).command("browsingContext.close", BidiConnection.params().put("context", closed.context()));

            RecordingEvents.Death death = RecordingEvents.next(events.pages, 3_000);
            assertNotNull("pageDied within 3 s", death);
            assertSame(closed, death.subject());
            assertTrue(death.reason(), death.reason().contains("closed"));
            assertNull("only that page", RecordingEvents.next(events.pages, 500));
            assertEquals("the other page still answers", "2",
                    evaluate((FirefoxInstance) browser, kept, "String(1 + 1)"));
            assertTrue(browser.isAlive());
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
            assertTrue("closing every worker tab leaves the browser running", browser.isAlive());
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
            assertTrue(refused.getMessage(), refused.getMessage().contains("NS_ERROR_CONNECTION_REFUSED"));

            BackendException missing = assertThrows(BackendException.class,
                    () -> browser.openPage(site.uri("/missing/worker")));
            assertTrue(missing.getMessage(), missing.getMessage().contains("404"));

            assertNull("failed pages are not deaths", RecordingEvents.next(events.pages, 500));
            assertTrue(browser.isAlive());
            browser.openPage(site.uri("/worker"));
            waitUntil("a good page still opens", 10_000, () -> site.hits("/ping") == 1);
        }
    }

    @Test
    public void closeEndsFirefoxAndRemovesItsProfile() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("short", events));
        browser.openPage(site.uri("/worker"));
        ProcessHandle process = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow();
        List<String> arguments = List.of(process.info().arguments().orElseThrow());
        Path profile = Path.of(arguments.get(arguments.indexOf("--profile") + 1));
        assertTrue(Files.readString(profile.resolve("user.js")).contains("user_pref(\"dom.webgpu.enabled\", true);"));
        List<ProcessHandle> forked = process.descendants().toList();

        long closing = System.nanoTime();
        browser.close();
        System.out.printf("close %d ms%n", (System.nanoTime() - closing) / 1_000_000);
        browser.close();

        assertFalse(browser.isAlive());
        assertNoProcessLeft();
        waitUntil("every process Firefox forked is gone", 5_000, () -> forked.stream().noneMatch(ProcessHandle::isAlive));
        assertFalse("profile removed", Files.exists(profile));
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
        assertNull(RecordingEvents.next(events.browsers, 0));
    }

    /** @return what the expression, evaluated in the page, resolves to, as a string */
    private static String evaluate(FirefoxInstance browser, FirefoxPage page, String expression) throws BidiException {
        JsonNode evaluated = browser.command("script.evaluate", BidiConnection.params()
                .put("expression", expression).put("awaitPromise", true)
                .set("target", BidiConnection.params().put("context", page.context())));
        assertEquals(evaluated.toString(), "success", evaluated.path("type").asText());
        return evaluated.path("result").path("value").asText();
    }

    private static Set<Path> profiles() throws IOException {
        try (var folders = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return folders.filter(f -> f.getFileName().toString().startsWith("webaccel-firefox-")).collect(Collectors.toSet());
        }
    }

    private void assertNoProcessLeft() throws InterruptedException {
        waitUntil("no firefox process is left among this JVM's descendants", 5_000, () -> newProcesses().isEmpty());
    }

    private Set<String> newProcesses() {
        return ProcessHandle.current().descendants().filter(p -> !processesBefore.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.toSet());
    }

    /** Firefox names its processes by role, e.g. "Isolated Web Co" (cut to 15 characters by the kernel). */
    private static String processName(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "comm")).strip();
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
                throw new AssertionError(what + " within " + millis + " ms; new processes: " + newProcesses()
                        + "; hits: /ping " + site.hits("/ping"));
            }
            Thread.sleep(50);
        }
    }
}
