package org.webaccel.backend.firefox.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

/** Keeps every death the backend reports, with the moment it arrived. */
final class RecordingEvents implements BrowserEvents {

    /** One report. */
    record Death(Object subject, String reason, long nanoTime) {
    }

    final BlockingQueue<Death> browsers = new LinkedBlockingQueue<>();
    final BlockingQueue<Death> pages = new LinkedBlockingQueue<>();

    @Override
    public void browserDied(BrowserInstance browser, String reason) {
        browsers.add(new Death(browser, reason, System.nanoTime()));
    }

    @Override
    public void pageDied(BrowserPage page, String reason) {
        pages.add(new Death(page, reason, System.nanoTime()));
    }

    /** @return the next report within {@code millis}, or null */
    static Death next(BlockingQueue<Death> queue, long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }
}
