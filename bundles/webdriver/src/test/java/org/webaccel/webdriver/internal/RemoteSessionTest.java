package org.webaccel.webdriver.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
import org.webaccel.webdriver.GridStatus;
import org.webaccel.webdriver.WebDriverBrowser;

/**
 * Remote sessions, whose processes are not the session's own: the endpoint is a chromedriver this test
 * starts by itself, which speaks the same protocol as a Grid (backend-grid tests a real Grid).
 */
public class RemoteSessionTest {

    /** Given to the remote browsers as a switch, so the test can find them below the endpoint's chromedriver. */
    private static final String MARKER = "--webaccel-remote-test=" + UUID.randomUUID();

    private StartedProcesses processes;
    private TestSite site;
    private BrowserEventLog events;
    private SeleniumSessions sessions;
    private Process chromedriver;
    private URI endpoint;

    @Before
    public void setUp() throws Exception {
        processes = new StartedProcesses();
        site = new TestSite().reportingPages();
        events = new BrowserEventLog();
        sessions = new SeleniumSessions();
        int port = freePort();
        chromedriver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port)
                .redirectErrorStream(true).redirectOutput(new File("target/remote-chromedriver.log")).start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        Await.until("chromedriver answers", () -> {
            try {
                return sessions.gridStatus(endpoint, Duration.ofSeconds(1)).ready();
            } catch (BackendException e) {
                return false;
            }
        });
    }

    @After
    public void tearDown() throws Exception {
        sessions.close();
        site.close();
        chromedriver.destroy();
        if (!chromedriver.waitFor(5, TimeUnit.SECONDS)) {
            chromedriver.destroyForcibly();
        }
        processes.awaitAllGone();
    }

    private WebDriverBrowser start(String id) throws BackendException {
        return sessions.startRemote(endpoint, LocalSessionTest.chromium(MARKER), LocalSessionTest.TIMEOUTS,
                new LaunchSpec(id, events));
    }

    @Test
    public void pagesLoadAndTheSessionEndsOnClose() throws Exception {
        WebDriverBrowser browser = start("remote");
        assertTrue("a remote browser's process is not ours to know", browser.pid().isEmpty());
        assertEquals("chrome", browser.browserName());
        browser.openPage(site.uri("/one"));
        browser.openPage(site.uri("/two"));
        Await.until("both pages ran", () -> site.hits("/ran?/one") == 1 && site.hits("/ran?/two") == 1);
        assertEquals("chromedriver runs the browser", 1, remoteBrowsers().size());

        browser.close();

        Await.until("the endpoint ended the browser", () -> remoteBrowsers().isEmpty());
        events.assertNoBrowserDeath("no death", Duration.ZERO);
    }

    @Test
    public void aBrowserGoneOnTheEndpointIsADeath() throws Exception {
        WebDriverBrowser browser = start("remote-victim");
        browser.openPage(site.uri("/victim"));
        List<ProcessHandle> remote = remoteBrowsers();
        assertEquals("chromedriver runs the browser", 1, remote.size());

        remote.get(0).destroyForcibly();

        BrowserEventLog.Death death = events.nextBrowserDeath();
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("the session no longer answers"));
        assertFalse(browser.isAlive());
        events.assertNoBrowserDeath("reported once", Duration.ofMillis(1_500));
        browser.close();
    }

    @Test
    public void statusOfAPlainWebDriverEndpoint() throws Exception {
        GridStatus status = sessions.gridStatus(endpoint, Duration.ofSeconds(5));

        assertTrue(status.ready());
        assertEquals("ChromeDriver ready for new sessions.", status.message());
        assertEquals("a plain driver has no Grid nodes", List.of(), status.slots());
    }

    @Test
    public void unreachableEndpointsSayWhy() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + freePort());

        BackendException status = assertThrows(BackendException.class,
                () -> sessions.gridStatus(nowhere, Duration.ofSeconds(5)));
        assertTrue(status.getMessage(), status.getMessage().equals("cannot reach the Selenium Grid at " + nowhere + ": connection refused"));
        System.out.println("an unreachable Grid reads: " + status.getMessage());
        BackendException session = assertThrows(BackendException.class, () -> sessions.startRemote(nowhere,
                LocalSessionTest.chromium(), LocalSessionTest.TIMEOUTS, new LaunchSpec("nowhere", events)));
        assertTrue(session.getMessage(), session.getMessage().startsWith("cannot start chrome on " + nowhere));
        assertTrue(session.getMessage(), session.getMessage().endsWith("connection refused"));
        System.out.println("an unreachable endpoint reads: " + session.getMessage());
        BackendException notAGrid = assertThrows(BackendException.class,
                () -> sessions.gridStatus(site.uri("/missing"), Duration.ofSeconds(5)));
        assertTrue(notAGrid.getMessage(), notAGrid.getMessage().contains("answered 404 to GET /status"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private List<ProcessHandle> remoteBrowsers() {
        return Processes.browsersCarrying(chromedriver.toHandle(), MARKER);
    }
}
