package org.webaccel.backend.firefox.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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
    private BrowserEventLog events;
    private FirefoxBackend backend;
    private StartedProcesses started;

    /** Without the profile template, whose Firefox runs in the background and would blur which processes a test started. */
    static FirefoxSettings settings(Path executable) {
        return settings(executable, false);
    }

    static FirefoxSettings settings(Path executable, boolean profileTemplate) {
        return new FirefoxSettings(executable, true, true,
                Map.of("VK_ICD_FILENAMES", "/usr/lib/chromium/vk_swiftshader_icd.json", "LD_LIBRARY_PATH", "/usr/lib/chromium"),
                Map.of(), profileTemplate, Duration.ofSeconds(30), Duration.ofSeconds(15));
    }

    @Before
    public void setUp() throws Exception {
        started = new StartedProcesses();
        site = new TestSite().page("/worker", WORKER);
        events = new BrowserEventLog();
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
        assertTrue(description.browserVersion(), description.browserVersion().matches("\\d+\\.\\d+(\\.\\d+)?esr"));
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
            events.assertNoBrowserDeath("a failed launch is no death", Duration.ofMillis(200));
        } finally {
            Files.delete(broken);
        }
    }

    @Test
    public void pagesOfOneBrowserLoadTheirUrl() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("b1", events))) {
            assertEquals("b1", browser.id());
            assertTrue(browser.version(), browser.version().matches("\\d+\\..+"));
            assertTrue("pid", browser.pid().isPresent());
            assertTrue("the reported pid is the browser this launch started, with the profile it made",
                    profile(ProcessHandle.of(browser.pid().getAsLong()).orElseThrow()).getFileName().toString()
                            .startsWith("webaccel-firefox-"));

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
            BrowserPage page = browser.openPage(site.uri("/worker"));

            waitUntil("the page asked for an adapter", () -> site.hits("/webgpu-adapter") + site.hits("/no-webgpu-adapter") > 0);
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
                base.webgpuEnvironment(), Map.of(), false, base.launchTimeout(), base.navigationTimeout()));
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
        waitUntil("the page ran", () -> site.hits("/ping") == 1);
        ProcessHandle process = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow();
        List<ProcessHandle> forked = process.descendants().toList();
        assertFalse("Firefox forks content processes", forked.isEmpty());

        assertTrue(process.destroyForcibly());

        BrowserEventLog.Death death = events.nextBrowserDeath();
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("killed by signal 9"));
        assertFalse(browser.isAlive());
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        events.assertNoPageDeath("the pages went with the browser, not on their own", Duration.ofMillis(500));
        events.assertNoBrowserDeath("reported once", Duration.ZERO);

        browser.close();
        waitUntil("every process Firefox forked is gone", () -> forked.stream().noneMatch(ProcessHandle::isAlive));
        assertNoProcessLeft();
    }

    @Test
    public void aCrashedTabIsReportedAsPageDeath() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("crash", events))) {
            BrowserPage page = browser.openPage(site.uri("/worker"));
            waitUntil("the page ran", () -> site.hits("/ping") == 1);
            ProcessHandle contentProcess = processRunning((FirefoxInstance) browser, (FirefoxPage) page);

            contentProcess.destroyForcibly();

            BrowserEventLog.Death death = events.nextPageDeath();
            assertSame(page, death.subject());
            assertTrue(death.reason(), death.reason().contains("crashed"));
            assertTrue("the browser survives its tab", browser.isAlive());
            events.assertNoBrowserDeath("the browser survives its tab", Duration.ZERO);
            page.close();
            browser.openPage(site.uri("/worker"));
            waitUntil("a new page runs", () -> site.hits("/ping") == 2);
            events.assertNoPageDeath("reported once", Duration.ofMillis(500));
        }
    }

    /** Someone else closes the tab, as a user or an extension could; here through the same BiDi session. */
    @Test
    public void aTabClosedBehindThePoolsBackIsReported() throws Exception {
        try (BrowserInstance browser = backend.launch(new LaunchSpec("closer", events))) {
            FirefoxPage kept = (FirefoxPage) browser.openPage(site.uri("/worker?kept"));
            FirefoxPage closed = (FirefoxPage) browser.openPage(site.uri("/worker?closed"));

            ((FirefoxInstance) browser).command("browsingContext.close", BidiConnection.params().put("context", closed.context()));

            BrowserEventLog.Death death = events.nextPageDeath();
            assertSame(closed, death.subject());
            assertTrue(death.reason(), death.reason().contains("closed"));
            events.assertNoPageDeath("only that page", Duration.ofMillis(500));
            assertEquals("the other page still answers", "2",
                    evaluate((FirefoxInstance) browser, kept, "String(1 + 1)"));
            assertTrue(browser.isAlive());
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

            events.assertNoPageDeath("failed pages are not deaths", Duration.ofMillis(500));
            assertTrue(browser.isAlive());
            browser.openPage(site.uri("/worker"));
            waitUntil("a good page still opens", () -> site.hits("/ping") == 1);
        }
    }

    @Test
    public void closeEndsFirefoxAndRemovesItsProfile() throws Exception {
        BrowserInstance browser = backend.launch(new LaunchSpec("short", events));
        browser.openPage(site.uri("/worker"));
        ProcessHandle process = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow();
        Path profile = profile(process);
        assertTrue(Files.readString(profile.resolve("user.js")).contains("user_pref(\"dom.webgpu.enabled\", true);"));
        List<ProcessHandle> forked = process.descendants().toList();

        browser.close();
        browser.close();

        assertFalse(browser.isAlive());
        assertNoProcessLeft();
        waitUntil("every process Firefox forked is gone", () -> forked.stream().noneMatch(ProcessHandle::isAlive));
        assertFalse("profile removed", Files.exists(profile));
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/worker")));
        events.assertNoBrowserDeath("closing is no death", Duration.ZERO);
    }

    @Test
    public void laterBrowsersStartFromACopyOfTheProfileTemplate() throws Exception {
        FirefoxBackend templated = new FirefoxBackend(settings(Path.of("/usr/bin/firefox-esr"), true));
        try {
            assertFalse("no template before the first launch", templated.profileTemplate().isPresent());
            try (BrowserInstance first = templated.launch(new LaunchSpec("first", events))) {
                waitUntil("the template is made after the first launch", () -> templated.profileTemplate().isPresent());
            }
            Path template = templated.profileTemplate().orElseThrow();
            assertTrue("Firefox quit cleanly, writing its preferences", Files.exists(template.resolve("prefs.js")));
            Files.writeString(template.resolve("webaccel-template-mark"), "from the template");

            try (BrowserInstance second = templated.launch(new LaunchSpec("second", events))) {
                assertTrue("the second browser's profile is a copy", profileHas(second, "webaccel-template-mark"));
                Path profile = profile(ProcessHandle.of(second.pid().getAsLong()).orElseThrow());
                assertTrue(Files.readString(profile.resolve("user.js")).contains("user_pref(\"dom.webgpu.enabled\", true);"));
                second.openPage(site.uri("/worker"));
                waitUntil("its page loads", () -> site.hits("/ping") == 1);
            }

            templated.close();
            assertFalse("the template is removed with the backend", Files.exists(template));
            assertNoProcessLeft();
            events.assertNoBrowserDeath("closing is no death", Duration.ZERO);
        } finally {
            templated.close();
        }
    }

    private static boolean profileHas(BrowserInstance browser, String file) {
        return Files.exists(profile(ProcessHandle.of(browser.pid().getAsLong()).orElseThrow()).resolve(file));
    }

    @Test
    public void deactivationClosesTheBrowsersLeftOpen() throws Exception {
        BrowserInstance first = backend.launch(new LaunchSpec("left-1", events));
        BrowserInstance second = backend.launch(new LaunchSpec("left-2", events));

        backend.close();

        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        assertNoProcessLeft();
        events.assertNoBrowserDeath("closing is no death", Duration.ZERO);
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
        started.awaitAllGone();
    }

    /** @return the profile folder the backend passed to this Firefox */
    private static Path profile(ProcessHandle firefox) {
        List<String> arguments = Processes.arguments(firefox);
        return Path.of(arguments.get(arguments.indexOf("--profile") + 1));
    }

    /**
     * Finds the content process that runs a page by what it does, not by its name (Firefox names them by
     * role, and the role depends on site isolation): the page spins for a while, and the process below the
     * browser whose processor time grew most is the page's.
     */
    private static ProcessHandle processRunning(FirefoxInstance browser, FirefoxPage page) throws BidiException {
        List<ProcessHandle> children = ProcessHandle.of(browser.pid().getAsLong()).orElseThrow().descendants().toList();
        Map<ProcessHandle, Long> before = new HashMap<>();
        children.forEach(p -> before.put(p, Processes.cpuTicks(p)));
        evaluate(browser, page, "(() => { const end = performance.now() + 1500; while (performance.now() < end) {} "
                + "return 'spun'; })()");
        return children.stream().max(Comparator.comparingLong(p -> Processes.cpuTicks(p) - before.get(p)))
                .orElseThrow(() -> new AssertionError("Firefox runs no content process"));
    }

    private void waitUntil(String what, Await.Condition condition) throws InterruptedException {
        Await.until(what, condition, () -> "new processes: " + started.added() + "; hits: /ping " + site.hits("/ping"));
    }
}
