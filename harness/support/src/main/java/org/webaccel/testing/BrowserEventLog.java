package org.webaccel.testing;

import static org.junit.Assert.assertNull;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

/** The pool's side of {@link BrowserEvents} in a backend's test: what the backend reported, in order. */
public final class BrowserEventLog implements BrowserEvents {

    /** One report of a death. */
    public record Death(Object subject, String reason) {
    }

    private final BlockingQueue<Death> browsers = new LinkedBlockingQueue<>();
    private final BlockingQueue<Death> pages = new LinkedBlockingQueue<>();

    @Override
    public void browserDied(BrowserInstance browser, String reason) {
        browsers.add(new Death(browser, reason));
    }

    @Override
    public void pageDied(BrowserPage page, String reason) {
        pages.add(new Death(page, reason));
    }

    /** @return the next browser death; fails if none is reported (see {@link Await#PATIENCE}) */
    public Death nextBrowserDeath() throws InterruptedException {
        return next(browsers, "a browser death");
    }

    /** @return the next page death; fails if none is reported (see {@link Await#PATIENCE}) */
    public Death nextPageDeath() throws InterruptedException {
        return next(pages, "a page death");
    }

    /** Fails if a browser death is reported now or while watching for {@code watch}. */
    public void assertNoBrowserDeath(String why, Duration watch) throws InterruptedException {
        assertNull(why, browsers.poll(watch.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Fails if a page death is reported now or while watching for {@code watch}. */
    public void assertNoPageDeath(String why, Duration watch) throws InterruptedException {
        assertNull(why, pages.poll(watch.toMillis(), TimeUnit.MILLISECONDS));
    }

    private static Death next(BlockingQueue<Death> queue, String what) throws InterruptedException {
        Death death = queue.poll(Await.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (death == null) {
            throw new AssertionError("never reported: " + what);
        }
        return death;
    }
}
