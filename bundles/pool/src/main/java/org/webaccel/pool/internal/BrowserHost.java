package org.webaccel.pool.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.webaccel.api.spi.BrowserInstance;

/** A browser the pool launched, with the workers it hosts. */
final class BrowserHost {
    final String id;
    final BackendRuntime backend;
    final BrowserInstance browser;
    final List<Worker> workers = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    BrowserHost(String id, BackendRuntime backend, BrowserInstance browser) {
        this.id = id;
        this.backend = backend;
        this.browser = browser;
    }
}
