package org.webaccel.backend.grid.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.testing.Await;
import org.webaccel.testing.TestSite;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.internal.SeleniumSessions;

/** The Grid backend against a real Selenium Grid 4.48 that the test starts on 127.0.0.1. */
public class GridBackendTest {

    /** Passed to every browser through the backend's browserArguments, so the test can find them on the node. */
    private static final String MARKER = "--webaccel-grid-test=" + UUID.randomUUID();

    private static SeleniumGrid grid;

    private final BlockingQueue<String> deaths = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> dead = new LinkedBlockingQueue<>();
    private final BrowserEvents events = new BrowserEvents() {
        @Override
        public void browserDied(BrowserInstance browser, String reason) {
            dead.add(browser);
            deaths.add(reason);
        }

        @Override
        public void pageDied(BrowserPage page, String reason) {
            deaths.add("page " + page.id() + ": " + reason);
        }
    };
    private SeleniumSessions sessions;
    private TestSite site;

    @BeforeClass
    public static void startGrid() throws Exception {
        grid = new SeleniumGrid(Path.of("target", "grid").toAbsolutePath(), 2).awaitReady(Await.PATIENCE);
    }

    @AfterClass
    public static void stopGrid() throws Exception {
        if (grid != null) {
            grid.close();
        }
    }

    @Before
    public void setUp() throws Exception {
        sessions = new SeleniumSessions();
        site = new TestSite().reportingPages();
    }

    @After
    public void tearDown() throws Exception {
        sessions.close();
        site.close();
        Await.until("the Grid has ended every browser of the test", () -> grid.browsers(MARKER).isEmpty());
    }

    static GridSettings settings(String gridUrl, List<String> browsers, int maxSessions, Duration statusCache) {
        return new GridSettings(gridUrl, browsers, maxSessions, List.of("--headless", "--no-sandbox", MARKER), "",
                new SessionTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMillis(500)),
                Duration.ofSeconds(5), statusCache);
    }

    private GridBackend backend(int maxSessions) {
        return new GridBackend(settings(grid.uri().toString(), List.of("chrome"), maxSessions, Duration.ZERO), sessions);
    }

    @Test
    public void describesTheReadyGridAndLearnsItsBrowserVersion() throws Exception {
        GridBackend backend = backend(2);

        BackendDescription before = backend.describe();
        assertTrue(before.reason(), before.available());
        assertEquals("grid", before.name());
        assertEquals("chromium", before.family());
        assertEquals("the node's stereotype names no version", "unknown", before.browserVersion());

        try (BrowserInstance browser = backend.launch(new LaunchSpec("grid-version", events))) {
            assertTrue(browser.version(), browser.version().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
            assertEquals(browser.version(), backend.describe().browserVersion());
        }
    }

    @Test
    public void twoPagesLoadInAGridBrowser() throws Exception {
        GridBackend backend = backend(2);
        BrowserInstance browser = backend.launch(new LaunchSpec("grid-pages", events));
        assertTrue("the Grid's browser is not our process", browser.pid().isEmpty());
        assertEquals(1, grid.browsers(MARKER).size());

        BrowserPage first = browser.openPage(site.uri("/page-1"));
        BrowserPage second = browser.openPage(site.uri("/page-2"));

        Await.until("both pages ran their script", () -> site.hits("/ran?/page-1") == 1 && site.hits("/ran?/page-2") == 1);
        assertEquals(1, site.hits("/page-1"));
        assertEquals(1, site.hits("/page-2"));
        assertFalse(first.id().equals(second.id()));
        first.close();
        assertTrue(browser.isAlive());

        browser.close();

        Await.until("the Grid ended the browser", () -> grid.browsers(MARKER).isEmpty());
        assertNull("closing is no death", deaths.poll(1, TimeUnit.SECONDS));
    }

    @Test
    public void aKilledGridBrowserIsReportedAsDeath() throws Exception {
        BrowserInstance browser = backend(2).launch(new LaunchSpec("grid-victim", events));
        browser.openPage(site.uri("/page-victim"));
        List<ProcessHandle> browsers = grid.browsers(MARKER);
        assertEquals(1, browsers.size());

        browsers.get(0).destroyForcibly(); // kill -9 of the browser the Grid's node started

        String reason = nextDeath();
        assertSame(browser, dead.poll());
        assertTrue(reason, reason.startsWith("the session no longer answers"));
        assertFalse(browser.isAlive());
        assertThrows(BackendException.class, () -> browser.openPage(site.uri("/page-again")));
        assertNull("reported once", deaths.poll(2, TimeUnit.SECONDS));
        browser.close();
    }

    @Test
    public void aSessionEndedOnTheGridIsReportedAsDeath() throws Exception {
        BrowserInstance browser = backend(2).launch(new LaunchSpec("grid-ended", events));
        browser.openPage(site.uri("/page-ended"));
        List<String> ids = grid.sessionIds();
        assertEquals(ids.toString(), 1, ids.size());

        grid.deleteSession(ids.get(0));

        // Usually at the next watch, with the Grid's words (Grid 4.48 sometimes answers with an error of its own
        // HTTP client for a deleted session); when a watch call was in flight during the deletion, the Grid may
        // leave it unanswered, and the command timeout (10 s here) ends it.
        String reason = nextDeath();
        assertTrue(reason, reason.startsWith("the session no longer answers: ") || reason.matches(
                "the session did not answer within 1\\d{4} ms"));
        System.out.println("ended session: " + reason);
        browser.close();
    }

    @Test
    public void launchesPastMaxSessionsAreRefused() throws Exception {
        GridBackend backend = backend(1);
        BrowserInstance first = backend.launch(new LaunchSpec("grid-only", events));

        BackendException refused = assertThrows(BackendException.class,
                () -> backend.launch(new LaunchSpec("grid-too-many", events)));
        assertEquals("the grid backend holds 1 Grid sessions already, its maximum (maxSessions of "
                + "org.webaccel.backend.grid)", refused.getMessage());

        first.close();
        backend.launch(new LaunchSpec("grid-next", events)).close();
    }

    @Test
    public void deactivationEndsItsSessions() throws Exception {
        GridBackend backend = backend(2);
        BrowserInstance first = backend.launch(new LaunchSpec("grid-left-1", events));
        BrowserInstance second = backend.launch(new LaunchSpec("grid-left-2", events));
        assertEquals(2, grid.browsers(MARKER).size());

        backend.close();

        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        Await.until("the Grid ended both browsers", () -> grid.browsers(MARKER).isEmpty());
    }

    @Test
    public void unavailableWithoutAGridUrl() {
        BackendDescription description = new GridBackend(settings("", List.of("chrome"), 2, Duration.ZERO), sessions)
                .describe();

        assertFalse(description.available());
        assertEquals("no grid URL configured (gridUrl of org.webaccel.backend.grid)", description.reason());
    }

    @Test
    public void unavailableWhenTheGridCannotBeReached() throws Exception {
        String nowhere = "http://127.0.0.1:" + SeleniumGrid.freePort();

        BackendDescription description = new GridBackend(settings(nowhere, List.of("chrome"), 2, Duration.ZERO), sessions)
                .describe();

        assertFalse(description.available());
        assertEquals("cannot reach the Selenium Grid at " + nowhere + ": connection refused", description.reason());
    }

    @Test
    public void unavailableWhenTheGridOffersOtherBrowsers() {
        BackendDescription description = new GridBackend(settings(grid.uri().toString(), List.of("firefox"), 2,
                Duration.ZERO), sessions).describe();

        assertFalse(description.available());
        assertEquals("firefox", description.family());
        assertEquals("the Selenium Grid at " + grid.uri() + " offers no firefox (its nodes offer chrome)",
                description.reason());
    }

    @Test
    public void unavailableWithAUrlThatIsNoUrl() {
        BackendDescription description = new GridBackend(settings("grid:4444", List.of("chrome"), 2, Duration.ZERO),
                sessions).describe();

        assertEquals("gridUrl 'grid:4444' is not an http(s) URL such as http://grid:4444", description.reason());
    }

    private String nextDeath() throws InterruptedException {
        String reason = deaths.poll(Await.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull("the backend reported no death", reason);
        return reason;
    }
}
