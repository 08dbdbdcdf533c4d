package org.webaccel.pool.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.webaccel.api.spi.BrowserInstance;

/** A browser the pool launched, with the workers it hosts. */
final class BrowserHost {
    final String id;
    final BackendRuntime backend;
    final BrowserInstance browser;
    final long launchedNanos = System.nanoTime();
    final List<Worker> workers = new CopyOnWriteArrayList<>();
    /** Set once: the browser is closed or closing. */
    volatile boolean closed;
    /** Set once: the browser takes no new pages and closes when its workers are gone. */
    volatile String recycling;
    /** The browser's resident memory at the last lifecycle step, or -1 when unknown. */
    volatile long residentBytes = -1;
    /** Only the maintenance step, under the runtime's lock, reads and writes this. */
    boolean recyclingLogged;

    BrowserHost(String id, BackendRuntime backend, BrowserInstance browser) {
        this.id = id;
        this.backend = backend;
        this.browser = browser;
    }

    /** Requests of pages already closed, so that recycling by request count survives page replacement. */
    final java.util.concurrent.atomic.AtomicLong servedByClosedPages = new java.util.concurrent.atomic.AtomicLong();

    /** @return requests served by the pages this browser hosts now or hosted before */
    long served() {
        return workers.stream().mapToLong(w -> w.served.get()).sum() + servedByClosedPages.get();
    }

    boolean acceptsPages() {
        return !closed && recycling == null && browser.isAlive();
    }
}
