package org.webaccel.webdriver.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.webdriver.GridStatus;
import org.webaccel.webdriver.WebDriverBrowser;

/**
 * Remote sessions, whose processes are not the session's own: the endpoint is a chromedriver this test
 * starts by itself, which speaks the same protocol as a Grid (backend-grid tests a real Grid).
 */
public class RemoteSessionTest {

    private ChildProcesses processes;
    private CountingSite site;
    private RecordedEvents events;
    private SeleniumSessions sessions;
    private Process chromedriver;
    private URI endpoint;

    @Before
    public void setUp() throws Exception {
        processes = new ChildProcesses();
        site = new CountingSite();
        events = new RecordedEvents();
        sessions = new SeleniumSessions();
        int port = freePort();
        chromedriver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port)
                .redirectErrorStream(true).redirectOutput(new File("target/remote-chromedriver.log")).start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        ChildProcesses.waitFor("chromedriver answers", 10_000, () -> {
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
        processes.assertAllGone(10_000);
    }

    private WebDriverBrowser start(String id) throws BackendException {
        return sessions.startRemote(endpoint, LocalSessionTest.chromium(), LocalSessionTest.TIMEOUTS,
                new LaunchSpec(id, events));
    }

    @Test
    public void pagesLoadAndTheSessionEndsOnClose() throws Exception {
        WebDriverBrowser browser = start("remote");
        assertTrue("a remote browser's process is not ours to know", browser.pid().isEmpty());
        assertEquals("chrome", browser.browserName());
        browser.openPage(site.uri("/one"));
        browser.openPage(site.uri("/two"));
        ChildProcesses.waitFor("both pages ran", 10_000,
                () -> site.hits("/ran?/one") == 1 && site.hits("/ran?/two") == 1);
        assertFalse("chromedriver runs a browser", chromedriver.descendants().findAny().isEmpty());

        browser.close();

        ChildProcesses.waitFor("the endpoint ended the browser", 10_000, () -> chromedriver.descendants()
                .noneMatch(p -> p.info().command().orElse("").contains("chromium")));
        assertNull(events.nextBrowserDeath(0));
    }

    @Test
    public void aBrowserGoneOnTheEndpointIsADeath() throws Exception {
        WebDriverBrowser browser = start("remote-victim");
        browser.openPage(site.uri("/victim"));
        ProcessHandle remoteBrowser = chromedriver.children()
                .filter(p -> p.info().command().orElse("").contains("chromium")).findFirst().orElseThrow();

        long killed = System.nanoTime();
        remoteBrowser.destroyForcibly();

        RecordedEvents.Death death = events.nextBrowserDeath(5_000);
        assertNotNull("browserDied within 5 s", death);
        assertSame(browser, death.subject());
        assertTrue(death.reason(), death.reason().contains("the session no longer answers"));
        System.out.printf("remote browserDied %d ms after kill -9: %s%n", (death.nanos() - killed) / 1_000_000,
                death.reason());
        assertFalse(browser.isAlive());
        assertNull("reported once", events.nextBrowserDeath(1_500));
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
}
