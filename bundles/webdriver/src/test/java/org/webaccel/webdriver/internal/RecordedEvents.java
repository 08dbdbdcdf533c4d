package org.webaccel.webdriver.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

/** The pool's side of {@link BrowserEvents} in a test: each report with the time it arrived. */
final class RecordedEvents implements BrowserEvents {

    /** One report of a death. */
    record Death(Object subject, String reason, long nanos) {
    }

    private final BlockingQueue<Death> browsers = new LinkedBlockingQueue<>();
    private final BlockingQueue<Death> pages = new LinkedBlockingQueue<>();

    @Override
    public void browserDied(BrowserInstance browser, String reason) {
        browsers.add(new Death(browser, reason, System.nanoTime()));
    }

    @Override
    public void pageDied(BrowserPage page, String reason) {
        pages.add(new Death(page, reason, System.nanoTime()));
    }

    /** @return the next browser death within {@code millis}, or null */
    Death nextBrowserDeath(long millis) throws InterruptedException {
        return browsers.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** @return the next page death within {@code millis}, or null */
    Death nextPageDeath(long millis) throws InterruptedException {
        return pages.poll(millis, TimeUnit.MILLISECONDS);
    }
}
