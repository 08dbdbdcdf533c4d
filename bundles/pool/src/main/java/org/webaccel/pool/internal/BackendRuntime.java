package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;

/** One registered backend as the pool runs it: its browsers, and what happens when they die. */
final class BackendRuntime implements BrowserEvents {
    private static final Logger LOG = System.getLogger(BackendRuntime.class.getName());

    final BrowserBackend backend;
    private final String name;
    private final WorkerPool pool;
    private final int browsers;
    private final List<BrowserHost> hosts = new CopyOnWriteArrayList<>();
    private final AtomicInteger browserSeq = new AtomicInteger();
    private volatile BackendDescription description;
    private volatile String lastError;
    private volatile boolean stopped;

    BackendRuntime(BrowserBackend backend, String name, WorkerPool pool, int browsers) {
        this.backend = backend;
        this.name = name;
        this.pool = pool;
        this.browsers = browsers;
        this.description = new BackendDescription(name, "unknown", "unknown", false, "probing the browser");
    }

    String name() {
        return name;
    }

    boolean isStopped() {
        return stopped;
    }

    /** Probes the backend and, when it is available, launches its browsers. Runs on the pool's executor. */
    void start() {
        try {
            description = backend.describe();
        } catch (RuntimeException e) {
            description = new BackendDescription(name, "unknown", "unknown", false, "describe() failed: " + e);
        }
        if (!description.available()) {
            LOG.log(Level.INFO, "backend " + name + " is unavailable: " + description.reason());
            return;
        }
        for (int i = 0; i < browsers; i++) {
            launchHost();
        }
    }

    void launchHost() {
        if (stopped) {
            return;
        }
        String id = name + "-" + browserSeq.incrementAndGet();
        try {
            BrowserInstance browser = backend.launch(new LaunchSpec(id, this));
            BrowserHost host = new BrowserHost(id, this, browser);
            hosts.add(host);
            if (stopped) {
                closeHost(host, "backend stopped");
                return;
            }
            LOG.log(Level.INFO, "launched browser " + id + " (" + browser.version() + ")");
            pool.openWorkers(host);
        } catch (BackendException | RuntimeException e) {
            lastError = "launching " + id + " failed: " + e.getMessage();
            LOG.log(Level.WARNING, lastError);
            pool.retryLaunchLater(this);
        }
    }

    void recordError(String error) {
        lastError = error;
    }

    @Override
    public void browserDied(BrowserInstance browser, String reason) {
        hosts.stream().filter(h -> h.browser == browser).findFirst().ifPresent(h -> {
            LOG.log(Level.WARNING, "browser " + h.id + " died: " + reason);
            lastError = "browser " + h.id + " died: " + reason;
            closeHost(h, "browser died: " + reason);
            pool.relaunchLater(this);
        });
    }

    @Override
    public void pageDied(BrowserPage page, String reason) {
        for (BrowserHost h : hosts) {
            h.workers.stream().filter(w -> w.page == page).findFirst()
                    .ifPresent(w -> pool.workerGone(w, "page died: " + reason));
        }
    }

    private void closeHost(BrowserHost host, String reason) {
        synchronized (host) {
            if (host.closed) {
                return;
            }
            host.closed = true;
        }
        hosts.remove(host);
        host.workers.forEach(w -> pool.workerGone(w, reason));
        try {
            host.browser.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing " + host.id + ": " + e);
        }
    }

    /** Takes the backend out of service: its workers' requests move to other workers; its browsers close. */
    void stop(String reason) {
        stopped = true;
        hosts.forEach(h -> closeHost(h, reason));
    }

    BackendStatus status() {
        int workers = hosts.stream().mapToInt(h -> h.workers.size()).sum();
        return new BackendStatus(description, hosts.size(), workers, lastError);
    }
}
