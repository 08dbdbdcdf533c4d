package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;

/**
 * One registered backend as the pool runs it: keeps {@code minWorkers} pages open across at most
 * {@code maxBrowsers} browsers, recycles browsers, closes idle surplus workers, and drains.
 */
final class BackendRuntime implements BrowserEvents {
    private static final Logger LOG = System.getLogger(BackendRuntime.class.getName());

    final BrowserBackend backend;
    private final String name;
    private final WorkerPool pool;
    private final List<BrowserHost> hosts = new CopyOnWriteArrayList<>();
    private final AtomicInteger browserSeq = new AtomicInteger();
    private final AtomicInteger launching = new AtomicInteger();
    private volatile long noLaunchBeforeNanos;
    private volatile BackendDescription description;
    private volatile String lastError;
    private volatile boolean probed;
    private volatile boolean draining;
    private volatile boolean stopped;
    /** The workers the scaling controller aims at; never below the minimum, never above the maximum. */
    private volatile int target;

    BackendRuntime(BrowserBackend backend, String name, WorkerPool pool) {
        this.backend = backend;
        this.name = name;
        this.pool = pool;
        this.description = new BackendDescription(name, "unknown", "unknown", false, "probing the browser");
    }

    String name() {
        return name;
    }

    /** @return true when the backend takes no new workers: drained, being removed, or removed */
    boolean isClosedForWork() {
        return draining || stopped;
    }

    /** Probes the backend; the maintenance loop then opens its workers. Runs on the pool's executor. */
    void probe() {
        try {
            description = backend.describe();
        } catch (RuntimeException e) {
            description = new BackendDescription(name, "unknown", "unknown", false, "describe() failed: " + e);
        }
        probed = true;
        if (!description.available()) {
            LOG.log(Level.INFO, "backend " + name + " is unavailable: " + description.reason());
        }
    }

    /**
     * One lifecycle step: recycle browsers that are due, close idle surplus workers, close emptied recycled
     * browsers, and open pages or browsers up to the minimum.
     */
    synchronized void maintain(long now) {
        Lifecycle lifecycle = pool.lifecycle();
        if (!probed || !description.available() || stopped) {
            return;
        }
        for (BrowserHost h : hosts) {
            if (!h.closed) {
                String why = h.recycling != null ? h.recycling : lifecycle.recycleReason(h, now);
                if (why != null) {
                    recycle(h, why);
                }
            }
            if (h.recycling != null && h.workers.isEmpty()) {
                closeHost(h, "recycled: " + h.recycling);
            }
        }
        if (draining) {
            return;
        }
        reapIdle(lifecycle, now);
        ensureCapacity(lifecycle);
    }

    /** Marks the browser as recycling (once) and drains whatever workers it still has. */
    private void recycle(BrowserHost h, String why) {
        if (!h.recyclingLogged) {
            h.recyclingLogged = true;
            LOG.log(Level.INFO, "recycling browser " + h.id + ": " + why);
        }
        h.recycling = why;
        h.workers.forEach(pool::drain);
    }

    private void reapIdle(Lifecycle lifecycle, long now) {
        if (lifecycle.idleTimeoutNanos() == 0) {
            return;
        }
        int surplus = liveWorkers() - lifecycle.minWorkers();
        for (BrowserHost h : hosts) {
            for (Worker w : h.workers) {
                if (surplus > 0 && pool.reapIfIdle(w, now - lifecycle.idleTimeoutNanos())) {
                    surplus--;
                    if (target > lifecycle.minWorkers()) {
                        target--;
                        pool.decision("scaled " + name + " down to " + target + " workers: " + w.id + " was idle "
                                + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(lifecycle.idleTimeoutNanos())
                                + " s");
                    }
                }
            }
        }
    }

    /** @return the worker count the scaling controller aims at */
    int target(Lifecycle lifecycle) {
        return Math.min(Math.max(target, lifecycle.minWorkers()), Math.max(lifecycle.minWorkers(),
                lifecycle.maxWorkers()));
    }

    /**
     * Raises the target by one worker when the backend is in service and below its maximum.
     *
     * @return the new target, or -1 when it could not grow
     */
    int scaleUp(Lifecycle lifecycle) {
        int t = target(lifecycle);
        if (isClosedForWork() || !probed || !description.available() || t >= lifecycle.maxWorkers()) {
            return -1;
        }
        target = t + 1;
        pool.maintainSoon(this);
        return t + 1;
    }

    /** @return the local browsers' resident memory, summed (unknown ones count 0) */
    long residentBytes() {
        return hosts.stream().mapToLong(h -> Math.max(0, h.residentBytes)).sum();
    }

    /** Workers that count towards the minimum: not draining, in a browser that is not being recycled. */
    private int liveWorkers() {
        int n = 0;
        for (BrowserHost h : hosts) {
            if (h.acceptsPages()) {
                n += (int) h.workers.stream().filter(w -> !w.draining).count();
            }
        }
        return n;
    }

    /** Opens pages in browsers with room, then launches a browser if the minimum is still not met. */
    private void ensureCapacity(Lifecycle lifecycle) {
        int missing = target(lifecycle) - liveWorkers();
        for (BrowserHost h : hosts) {
            while (missing > 0 && h.acceptsPages() && h.workers.size() < lifecycle.maxPagesPerBrowser()) {
                pool.openWorker(h);
                missing--;
            }
        }
        long usable = hosts.stream().filter(BrowserHost::acceptsPages).count();
        if (missing > 0 && launching.get() == 0 && usable < lifecycle.maxBrowsers()
                && System.nanoTime() - noLaunchBeforeNanos >= 0) {
            launching.incrementAndGet();
            pool.execute(this::launch);
        }
    }

    private void launch() {
        String id = name + "-" + browserSeq.incrementAndGet();
        try {
            if (isClosedForWork()) {
                return;
            }
            BrowserInstance browser = backend.launch(new LaunchSpec(id, this));
            BrowserHost host = new BrowserHost(id, this, browser);
            hosts.add(host);
            LOG.log(Level.INFO, "launched browser " + id + " (" + browser.version() + ")");
            if (isClosedForWork()) {
                closeHost(host, "backend " + name + " stopped");
                return;
            }
        } catch (BackendException | RuntimeException e) {
            lastError = "launching " + id + " failed: " + e.getMessage();
            LOG.log(Level.WARNING, lastError);
            // Back off: a browser that does not start should not be retried in a tight loop.
            noLaunchBeforeNanos = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        } finally {
            launching.decrementAndGet();
        }
        pool.maintainSoon(this);
    }

    void recordError(String error) {
        lastError = error;
    }

    @Override
    public void browserDied(BrowserInstance browser, String reason) {
        // By id, not identity: a backend may report through the object it wraps.
        hosts.stream().filter(h -> h.browser == browser || h.browser.id().equals(browser.id())).findFirst()
                .ifPresent(h -> {
                    if (!h.closed) {
                        LOG.log(Level.WARNING, "browser " + h.id + " died: " + reason);
                        lastError = "browser " + h.id + " died: " + reason;
                    }
                    closeHost(h, FailureClass.BROWSER_CRASH, "browser died: " + reason);
                    pool.maintainSoon(this);
                });
    }

    @Override
    public void pageDied(BrowserPage page, String reason) {
        for (BrowserHost h : hosts) {
            h.workers.stream().filter(w -> w.page == page).findFirst()
                    .ifPresent(w -> pool.workerGone(w, FailureClass.PAGE_CRASH, "page died: " + reason));
        }
    }

    private void closeHost(BrowserHost host, String reason) {
        closeHost(host, FailureClass.CONNECTION_LOST, reason);
    }

    /** Closes a browser; the requests its pages still run fail with the given class, and may be retried. */
    private void closeHost(BrowserHost host, FailureClass c, String reason) {
        synchronized (host) {
            if (host.closed) {
                return;
            }
            host.closed = true;
        }
        hosts.remove(host);
        host.workers.forEach(w -> pool.workerGone(w, c, reason));
        try {
            host.browser.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing " + host.id + ": " + e);
        }
    }

    /** Takes the backend out of service until {@link #resume()}: its workers finish and close. */
    void drain() {
        draining = true;
        hosts.forEach(h -> h.workers.forEach(pool::drain));
    }

    void resume() {
        draining = false;
        pool.maintainSoon(this);
    }

    /**
     * Removes the backend: drains it, waits up to {@code drainNanos} for running requests to finish (the
     * requests still running then go back to the queue), and closes its browsers.
     */
    void stop(String reason, long drainNanos) {
        drain();
        stopped = true;
        long deadline = System.nanoTime() + drainNanos;
        while (hosts.stream().anyMatch(h -> !h.workers.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        hosts.forEach(h -> closeHost(h, reason));
    }

    /**
     * Reads the resident memory of each local browser, for placement and scaling, and feeds it to the health
     * monitor (when there is one) once per worker the browser hosts.
     */
    void readMemory(HealthMonitor monitor) {
        for (BrowserHost h : hosts) {
            var pid = h.browser.pid();
            if (pid.isEmpty() || h.closed) {
                continue;
            }
            var rss = ProcessMemory.residentBytes(pid.getAsLong());
            h.residentBytes = rss.orElse(-1);
            if (monitor != null && rss.isPresent()) {
                h.workers.forEach(w -> monitor.recordMemory(w.id, name, rss.getAsLong()));
            }
        }
    }

    BackendDescription description() {
        return description;
    }

    BackendStatus status() {
        int workers = hosts.stream().mapToInt(h -> h.workers.size()).sum();
        PageCapabilities caps = hosts.stream().flatMap(h -> h.workers.stream())
                .map(w -> w.channel == null ? null : w.channel.capabilities()).filter(Objects::nonNull)
                .findFirst().orElse(null);
        return new BackendStatus(description, hosts.size(), workers, lastError, caps, isClosedForWork());
    }
}
