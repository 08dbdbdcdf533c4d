package org.webaccel.webdriver.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.testing.Await;
import org.webaccel.testing.BrowserEventLog;
import org.webaccel.testing.Processes;
import org.webaccel.testing.StartedProcesses;
import org.webaccel.testing.TestSite;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverPage;

/** Local sessions on the chromedriver and Chromium installed on this machine. */
public class LocalSessionTest {

    static final LocalDriver CHROMEDRIVER = LocalDriver.at(Path.of("/usr/bin/chromedriver"));
    static final SessionTimeouts TIMEOUTS = new SessionTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(15),
            Duration.ofMillis(500));

    private StartedProcesses processes;
    private TestSite site;
    private BrowserEventLog events;
    private SeleniumSessions sessions;

    static BrowserOptions chromium(String... extraSwitches) {
        List<String> switches = new ArrayList<>(List.of("--headless"));
        switches.addAll(BrowserOptions.CHROMIUM_QUIET_SWITCHES);
        switches.addAll(List.of(extraSwitches));
        return BrowserOptions.of(BrowserOptions.CHROME, "/usr/bin/chromium", switches);
    }

    @Before
    public void setUp() throws Exception {
        processes = new StartedProcesses();
        site = new TestSite().reportingPages();
        events = new BrowserEventLog();
        sessions = new SeleniumSessions();
    }

    @After
    public void tearDown() throws Exception {
        sessions.close();
        site.close();
        processes.awaitAllGone();
    }

    private WebDriverBrowser start(String id) throws BackendException {
        return sessions.startLocal(CHROMEDRIVER, chromium(), TIMEOUTS, new LaunchSpec(id, events));
    }

    @Test
    public void twoTabsOfOneSessionLoadTheirPages() throws Exception {
        try (WebDriverBrowser browser = start("two-tabs")) {
            assertEquals("two-tabs", browser.id());
            assertEquals("chrome", browser.browserName());
            assertTrue(browser.version(), browser.version().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
            long pid = browser.pid().orElseThrow();
            assertTrue("the reported pid is the browser this session started, by the switch it passed",
                    Processes.hasArgument(ProcessHandle.of(pid).orElseThrow(), "--webaccel-browser="));

            WebDriverPage first = browser.openPage(site.uri("/first"));
            WebDriverPage second = browser.openPage(site.uri("/second"));

            assertNotEquals(first.id(), second.id());
            assertSame(browser, first.browser());
            Await.until("both pages ran their script", () -> site.hits("/ran?/first") == 1 && site.hits("/ran?/second") == 1);
            assertEquals("/first", first.executeScript("return location.pathname"));
            assertEquals("/second", second.executeScript("return location.pathname"));
            assertTrue(browser.isAlive());
        }
        events.assertNoBrowserDeath("no death", Duration.ZERO);
        events.assertNoPageDeath("no death", Duration.ZERO);
    }

    @Test
    public void scriptsReturnPlainValuesAndAwaitPromises() throws Exception {
        try (WebDriverBrowser browser = start("scripts")) {
            WebDriverPage page = browser.openPage(site.uri("/scripts"));

            assertEquals(42L, page.executeScript("return arguments[0] * 2", 21));
            assertEquals(Map.of("ok", true, "list", List.of("a", 1.5)),
                    page.executeScript("return Promise.resolve({ok: true, list: ['a', 1.5]})"));
            BackendException rejected = assertThrows(BackendException.class,
                    () -> page.executeScript("return Promise.reject(new TypeError('no such thing'))"));
            assertTrue(rejected.getMessage(), rejected.getMessage().contains("no such thing"));
            assertFalse("no Selenium dump in messages", rejected.getMessage().contains("Build info"));
        }
    }

    @Test
    public void killingTheBrowserReportsItsDeathOnce() throws Exception {
        WebDriverBrowser browser = start("victim");
        browser.openPage(site.uri("/victim"));
        ProcessHandle process = ProcessHandle.of(browser.pid().orElseThrow()).orElseThrow();

        assertTrue(process.destroyForcibly()); // kill -9

        BrowserEventLog.Death death = events.nextBrowserDeath();
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("the browser process " + process.pid() + " has exited"));
        assertFalse(browser.isAlive());
        BackendException refused = assertThrows(BackendException.class, () -> browser.openPage(site.uri("/again")));
        assertTrue(refused.getMessage(), refused.getMessage().contains("has died"));
        events.assertNoPageDeath("the pages went with the browser, not on their own", Duration.ofMillis(1_000));
        events.assertNoBrowserDeath("reported once", Duration.ZERO);

        browser.close();
        processes.awaitAllGone();
    }

    @Test
    public void closeEndsBrowserAndDriver() throws Exception {
        WebDriverBrowser browser = start("short");
        browser.openPage(site.uri("/short"));
        assertTrue("chromedriver and chromium run", processes.added().size() >= 2);

        browser.close();
        browser.close();

        assertFalse(browser.isAlive());
        processes.awaitAllGone();
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/short")));
        events.assertNoBrowserDeath("no death", Duration.ofMillis(500));
    }

    @Test
    public void closingEveryPageKeepsTheBrowser() throws Exception {
        try (WebDriverBrowser browser = start("tidy")) {
            WebDriverPage page = browser.openPage(site.uri("/tidy-1"));
            page.close();
            page.close();

            events.assertNoPageDeath("a close is no death", Duration.ofMillis(1_500));
            assertThrows(BackendException.class, () -> page.executeScript("return 1"));
            assertTrue(browser.isAlive());
            browser.openPage(site.uri("/tidy-2"));
            Await.until("a new page runs", () -> site.hits("/ran?/tidy-2") == 1);
            events.assertNoBrowserDeath("no death", Duration.ZERO);
        }
    }

    @Test
    public void failedNavigationsAreErrorsNotDeaths() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (WebDriverBrowser browser = start("lost")) {
            BackendException refused = assertThrows(BackendException.class,
                    () -> browser.openPage(URI.create("http://127.0.0.1:" + closedPort + "/worker")));
            assertTrue(refused.getMessage(), refused.getMessage().contains("ERR_CONNECTION_REFUSED"));
            BackendException missing = assertThrows(BackendException.class,
                    () -> browser.openPage(site.uri("/missing/worker")));
            assertTrue(missing.getMessage(), missing.getMessage().contains("the server answered 404"));

            events.assertNoPageDeath("failed pages are not deaths", Duration.ofMillis(1_500));
            browser.openPage(site.uri("/found"));
            Await.until("a good page still runs", () -> site.hits("/ran?/found") == 1);
        }
    }

    /**
     * A tab closed by someone else (a user, an extension, another DevTools client) is reported as that
     * page's death. Another DevTools client does it here, through the port Chromium was told to open.
     */
    @Test
    public void aTabClosedBehindTheSessionsBackIsReported() throws Exception {
        int devToolsPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            devToolsPort = socket.getLocalPort();
        }
        BrowserOptions withDevTools = chromium("--remote-debugging-port=" + devToolsPort);
        try (WebDriverBrowser browser = sessions.startLocal(CHROMEDRIVER, withDevTools, TIMEOUTS,
                new LaunchSpec("closer", events))) {
            WebDriverPage kept = browser.openPage(site.uri("/kept"));
            WebDriverPage closed = browser.openPage(site.uri("/closed"));

            closeTarget(devToolsPort, site.uri("/closed"));

            BrowserEventLog.Death death = events.nextPageDeath();
            assertSame(closed, death.subject());
            assertTrue(death.reason(), death.reason().contains("closed, but not by the pool"));
            events.assertNoPageDeath("only that page", Duration.ofMillis(1_000));
            assertEquals("/kept", kept.executeScript("return location.pathname"));
            assertTrue(browser.isAlive());
        }
    }

    @Test
    public void startFailuresSayWhy() throws Exception {
        BackendException noDriver = assertThrows(BackendException.class, () -> sessions.startLocal(
                LocalDriver.at(Path.of("/opt/nowhere/chromedriver")), chromium(), TIMEOUTS, new LaunchSpec("x", events)));
        assertTrue(noDriver.getMessage(), noDriver.getMessage().contains("/opt/nowhere/chromedriver does not exist"));

        BackendException noBrowser = assertThrows(BackendException.class, () -> sessions.startLocal(CHROMEDRIVER,
                BrowserOptions.of(BrowserOptions.CHROME, "/opt/nowhere/chromium", List.of("--headless")), TIMEOUTS,
                new LaunchSpec("y", events)));
        assertTrue(noBrowser.getMessage(), noBrowser.getMessage().contains("/opt/nowhere/chromium"));
        System.out.println("a missing browser reads: " + noBrowser.getMessage());

        BackendException firefox = assertThrows(BackendException.class, () -> sessions.startLocal(CHROMEDRIVER,
                BrowserOptions.of(BrowserOptions.FIREFOX, "", List.of()), TIMEOUTS, new LaunchSpec("z", events)));
        assertTrue(firefox.getMessage(), firefox.getMessage().contains("not 'firefox'"));
        processes.awaitAllGone();
    }

    @Test
    public void deactivationClosesTheSessionsLeftOpen() throws Exception {
        WebDriverBrowser first = start("left-1");
        WebDriverBrowser second = start("left-2");

        sessions.close();

        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        processes.awaitAllGone();
    }

    /** Closes the tab showing {@code url} through Chromium's DevTools HTTP endpoint, as an outside client would. */
    private static void closeTarget(int port, URI url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        // each target is a JSON object with "id" and "url"; the id precedes the url in Chromium's answer
        int at = list.indexOf("\"url\": \"" + url + "\"");
        assertTrue("a DevTools target shows " + url + ": " + list, at > 0);
        String before = list.substring(0, at);
        int idAt = before.lastIndexOf("\"id\": \"") + "\"id\": \"".length();
        String targetId = before.substring(idAt, before.indexOf('"', idAt));
        HttpResponse<String> closed = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/json/close/" + targetId)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(closed.body(), 200, closed.statusCode());
    }
}
