package org.webaccel.backend.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.testing.BrowserEventLog;

public class BrowserLifeTest {

    private final BrowserEventLog events = new BrowserEventLog();
    private final BrowserLife life = new BrowserLife("b1", events);
    private final Browser browser = new Browser();

    @Test
    public void aBrowserDiesOnceAndItsReasonIsAskedOnlyThen() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        assertTrue(life.browserDied(browser, () -> "killed (" + asked.incrementAndGet() + ")"));
        assertFalse(life.browserDied(browser, () -> "again (" + asked.incrementAndGet() + ")"));

        BrowserEventLog.Death death = events.nextBrowserDeath();
        assertSame(browser, death.subject());
        assertEquals("killed (1)", death.reason());
        assertEquals(1, asked.get());
        events.assertNoBrowserDeath("a browser dies once", Duration.ZERO);
        assertTrue(life.isDead());
        assertTrue(life.isOver());
    }

    @Test
    public void aClosedBrowserDoesNotDie() throws Exception {
        assertTrue("the first close closes", life.close());
        assertFalse("later ones do nothing", life.close());
        assertFalse(life.browserDied(browser, () -> "it quit as asked"));
        assertFalse(life.pageDied(new Page("p1"), "its tab went with the browser"));
        events.assertNoBrowserDeath("closed by us", Duration.ZERO);
        events.assertNoPageDeath("closed with its browser", Duration.ZERO);
        assertTrue(life.isClosed());
        assertFalse(life.isDead());
    }

    @Test
    public void aPageDiesOnceUnlessWeClosedIt() throws Exception {
        Page crashed = new Page("p1");
        Page closedByUs = new Page("p2");
        closedByUs.close();

        assertTrue(life.pageDied(crashed, "its renderer crashed"));
        assertFalse("a page dies once", life.pageDied(crashed, "its tab closed"));
        assertFalse("we closed it", life.pageDied(closedByUs, "its tab closed"));

        BrowserEventLog.Death death = events.nextPageDeath();
        assertSame(crashed, death.subject());
        assertEquals("its renderer crashed", death.reason());
        events.assertNoPageDeath("one report", Duration.ZERO);
    }

    @Test
    public void aPageOfABrowserThatNoLongerAnswersDiesWithItsBrowser() throws Exception {
        Page page = new Page("p1");
        assertFalse(life.pageDied(page, "its tab closed", () -> false));
        events.assertNoPageDeath("the browser's death, not the page's", Duration.ZERO);

        AtomicInteger probes = new AtomicInteger();
        life.browserDied(browser, () -> "gone");
        assertFalse(life.pageDied(new Page("p2"), "its tab closed", () -> probes.incrementAndGet() > 0));
        assertEquals("a dead browser is not asked", 0, probes.get());
        events.assertNoPageDeath("the browser died", Duration.ZERO);
    }

    @Test
    public void aFailingListenerDoesNotReachTheDriversThread() {
        BrowserLife failing = new BrowserLife("b2", new BrowserEvents() {
            @Override
            public void browserDied(BrowserInstance died, String reason) {
                throw new IllegalStateException("the pool is confused");
            }

            @Override
            public void pageDied(BrowserPage page, String reason) {
                throw new IllegalStateException("the pool is confused");
            }
        });
        assertTrue(failing.pageDied(new Page("p1"), "crashed"));
        assertTrue(failing.browserDied(browser, () -> "killed"));
    }

    @Test
    public void aClosedOrDeadBrowserIsNotUsable() throws Exception {
        life.checkUsable("open a page");
        BrowserLife dead = new BrowserLife("b2", events);
        dead.browserDied(browser, () -> "killed");
        life.close();
        assertEquals("cannot open a page: browser b1 is closed", refusal(life));
        assertEquals("cannot open a page: browser b2 has died", refusal(dead));
    }

    private static String refusal(BrowserLife life) {
        try {
            life.checkUsable("open a page");
            fail("usable");
            return null;
        } catch (BackendException e) {
            return e.getMessage();
        }
    }

    /** A page whose close does nothing in any browser. */
    private final class Page extends DriverPage<Browser> {
        Page(String id) {
            super(id, browser);
        }

        @Override
        protected void closeInBrowser() {
        }
    }

    /** Only a subject for the reports. */
    static final class Browser implements BrowserInstance {
        @Override
        public String id() {
            return "b1";
        }

        @Override
        public OptionalLong pid() {
            return OptionalLong.empty();
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public BrowserPage openPage(URI url) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAlive() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
