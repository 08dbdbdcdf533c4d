package org.webaccel.pool.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.spi.BrowserInstance;

/** A browser the pool launched, with the workers (pages) it hosts. */
final class BrowserHost {
    final String id;
    final String backend;
    final String family;
    final BrowserInstance browser;
    final long launchedNanos = System.nanoTime();
    /** Its pages, in the order they opened; the worker set and the lifecycle both read it. */
    final List<Worker> workers = new CopyOnWriteArrayList<>();
    /** Requests of pages already closed, so that recycling by request count survives page replacement. */
    final AtomicLong servedByClosedPages = new AtomicLong();
    /** Set once: the browser is closed or closing. */
    volatile boolean closed;
    /** Set once: the browser takes no new pages and closes when its workers are gone. */
    volatile String recycling;
    /** The browser's resident memory (with its helpers) at the last lifecycle step, or -1 when unknown. */
    volatile long residentBytes = -1;

    BrowserHost(String id, String backend, String family, BrowserInstance browser) {
        this.id = id;
        this.backend = backend;
        this.family = family;
        this.browser = browser;
    }

    /** @return the browser's process id as its backend reports it, or -1 (a remote browser, or not known yet) */
    long pid() {
        return browser.pid().orElse(-1);
    }

    /** @return requests served by the pages this browser hosts now or hosted before */
    long served() {
        return workers.stream().mapToLong(w -> w.served.get()).sum() + servedByClosedPages.get();
    }

    /** @return whether the browser may get new pages: open, not recycling, alive */
    boolean acceptsPages() {
        return !closed && recycling == null && browser.isAlive();
    }
}
