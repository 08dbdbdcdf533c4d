package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;

/**
 * One registered backend as the pool runs it: keeps its target of pages open across at most
 * {@code maxBrowsers} browsers, recycles browsers, closes idle surplus workers, drains.
 *
 * <p>Every call into the backend's driver (describe, launch, open a page, close a page or a browser) runs on
 * this backend's own thread, its lane, one after another; so does its lifecycle step. No lock is held across
 * those calls, and a backend whose driver is slow or hangs delays only itself: not other backends, not
 * placement, not results.
 */
final class BackendRuntime implements BrowserEvents {
    private static final Logger LOG = System.getLogger(BackendRuntime.class.getName());

    /** What the runtime needs from the part that owns the pages. */
    interface Pages {
        /** @return the lifecycle settings now */
        Lifecycle lifecycle();

        /** Opens a worker page in the browser, or a spare page; called on the lane. */
        void open(BackendRuntime runtime, BrowserHost host, boolean spare);

        /** A spare page enters service. @return true when it was a spare */
        boolean promote(Worker w);

        /** Stops giving the worker work; it closes once idle. */
        void drain(Worker w);

        /** @return true when the worker was idle since before {@code idleBeforeNanos} and was closed */
        boolean reapIfIdle(Worker w, long idleBeforeNanos);

        /** The worker is gone: its runs fail with the class; it is removed and its page closed. */
        void gone(Worker w, FailureClass c, String reason);

        /** Records a scaling decision. */
        void decision(String text);

        /** Runs the task once the delay has passed (off the lane: it should only queue work). */
        void later(long delayNanos, Runnable task);
    }

    final BrowserBackend backend;
    private final String name;
    private final Pages pages;
    private final Lane lane;
    private final AtomicBoolean maintenanceQueued = new AtomicBoolean();
    private final List<BrowserHost> hosts = new CopyOnWriteArrayList<>();
    private final AtomicInteger browserSeq = new AtomicInteger();
    private final LaunchBackoff launches = new LaunchBackoff();
    private volatile BackendDescription description;
    private volatile String lastError;
    private volatile boolean probed;
    private volatile boolean draining;
    private volatile boolean stopped;
    /** The workers the scaling controller aims at; never below the minimum, never above the maximum. */
    private final AtomicInteger target = new AtomicInteger();

    BackendRuntime(BrowserBackend backend, String name, Pages pages) {
        this.backend = backend;
        this.name = name;
        this.pages = pages;
        this.description = new BackendDescription(name, "unknown", "unknown", false, "probing the browser");
        this.lane = new Lane(name);
    }

    String name() {
        return name;
    }

    /** @return true when the backend takes no new workers: drained, being removed, or removed */
    boolean isClosedForWork() {
        return draining || stopped;
    }

    /** Runs a task on this backend's lane; dropped once the backend is removed. */
    void onLane(Runnable task) {
        lane.run(task);
    }

    /** Probes the backend, then keeps its workers. */
    void start() {
        onLane(() -> {
            try {
                description = backend.describe();
            } catch (RuntimeException e) {
                description = new BackendDescription(name, "unknown", "unknown", false, "describe() failed: " + e);
            }
            probed = true;
            if (!description.available()) {
                LOG.log(Level.INFO, "backend " + name + " is unavailable: " + description.reason());
            }
            maintain();
        });
    }

    /** Queues a lifecycle step on the lane, unless one is queued already. */
    void maintainSoon() {
        if (maintenanceQueued.compareAndSet(false, true)) {
            onLane(() -> {
                maintenanceQueued.set(false);
                maintain();
            });
        }
    }

    /**
     * One lifecycle step, on the lane: read the browsers' memory, recycle browsers that are due, close emptied
     * recycled ones, close idle surplus workers, open pages or a browser up to the target.
     */
    private void maintain() {
        Lifecycle lifecycle = pages.lifecycle();
        if (!probed || !description.available() || stopped) {
            return;
        }
        long now = System.nanoTime();
        for (BrowserHost h : hosts) {
            h.residentBytes = h.pid() < 0 ? -1 : ProcessMemory.residentBytes(h.pid()).orElse(-1);
            if (!h.closed) {
                String why = h.recycling != null ? h.recycling : lifecycle.recycleReason(h, now);
                if (why != null) {
                    recycle(h, why);
                }
            }
            if (h.recycling != null && h.workers.isEmpty()) {
                closeHost(h, FailureClass.CONNECTION_LOST, "recycled: " + h.recycling);
            }
        }
        if (draining) {
            return;
        }
        reapIdle(lifecycle, now);
        ensureCapacity(lifecycle);
    }

    private void recycle(BrowserHost h, String why) {
        if (h.recycling == null) {
            LOG.log(Level.INFO, "recycling browser " + h.id + ": " + why);
            h.recycling = why;
        }
        h.workers.forEach(pages::drain);
    }

    private void reapIdle(Lifecycle lifecycle, long now) {
        if (lifecycle.idleTimeoutNanos() == 0) {
            return;
        }
        int surplus = Spares.live(hosts) - lifecycle.minWorkers();
        for (BrowserHost h : hosts) {
            for (Worker w : h.workers) {
                if (surplus > 0 && pages.reapIfIdle(w, now - lifecycle.idleTimeoutNanos())) {
                    surplus--;
                    int t = target.get();
                    if (t > lifecycle.minWorkers() && target.compareAndSet(t, t - 1)) {
                        pages.decision("scaled " + name + " down to " + (t - 1) + " workers: " + w.id + " was idle "
                                + TimeUnit.NANOSECONDS.toSeconds(lifecycle.idleTimeoutNanos()) + " s");
                    }
                }
            }
        }
    }

    /** @return the worker count the scaling controller aims at */
    int target(Lifecycle lifecycle) {
        return Math.min(Math.max(target.get(), lifecycle.minWorkers()), Math.max(lifecycle.minWorkers(),
                lifecycle.maxWorkers()));
    }

    /**
     * Raises the target by one worker when the backend is in service and below its maximum.
     *
     * @return the new target, or -1 when it could not grow
     */
    int scaleUp(Lifecycle lifecycle) {
        int t = target(lifecycle);
        if (isClosedForWork() || !probed || !description.available() || t >= lifecycle.maxWorkers()
                || launches.outOfService(lifecycle.launches()) != null) {
            return -1;
        }
        target.set(t + 1);
        maintainSoon();
        return t + 1;
    }

    /** @return the browsers it runs now */
    List<BrowserHost> hosts() {
        return hosts;
    }

    /** @return the local browsers' resident memory, summed (unknown ones count 0) */
    long residentBytes() {
        return hosts.stream().mapToLong(h -> Math.max(0, h.residentBytes)).sum();
    }

    /** @return whether a local browser of this backend has not had its memory read yet */
    boolean memoryUnmeasured() {
        return hosts.stream().anyMatch(h -> !h.closed && h.residentBytes < 0 && h.pid() >= 0);
    }

    /**
     * A worker of this backend was lost: a spare page takes its place at once (the lifecycle step would too, but
     * it may be busy launching). Not on the lane: promoting only changes the worker's state.
     */
    void promoteSpare() {
        if (Spares.live(hosts) < target(pages.lifecycle())) {
            for (Worker s : Spares.spares(hosts)) {
                if (pages.promote(s)) {
                    LOG.log(Level.INFO, "spare page " + s.id + " of " + name + " entered service");
                    return;
                }
            }
        }
    }

    /**
     * Promotes spare pages and opens pages in browsers with room up to the target, launches a browser if it is
     * still not met, then opens spare pages.
     */
    private void ensureCapacity(Lifecycle lifecycle) {
        int missing = target(lifecycle) - Spares.live(hosts);
        for (Worker s : Spares.spares(hosts)) {
            if (missing > 0 && pages.promote(s)) {
                missing--;
            }
        }
        for (BrowserHost h : hosts) {
            while (missing > 0 && h.acceptsPages() && h.workers.size() < lifecycle.maxPagesPerBrowser()) {
                pages.open(this, h, false);
                missing--;
            }
        }
        long usable = hosts.stream().filter(BrowserHost::acceptsPages).count();
        if (missing > 0 && usable < lifecycle.maxBrowsers() && launches.mayLaunch(System.nanoTime())) {
            launch(lifecycle.launches());
            return;
        }
        int spareMissing = missing > 0 ? 0 : lifecycle.sparePages() - Spares.spares(hosts).size();
        for (; spareMissing > 0; spareMissing--) {
            BrowserHost h = Spares.hostForSpare(hosts, lifecycle.maxPagesPerBrowser(), lifecycle.sparePages());
            if (h == null) {
                // no browser has room: a new one holds the spare (a browser death then leaves one elsewhere)
                if (usable < lifecycle.maxBrowsers() && launches.mayLaunch(System.nanoTime())) {
                    launch(lifecycle.launches());
                }
                return;
            }
            pages.open(this, h, true);
        }
    }

    /**
     * Launches a browser. One that does not start is not tried again in a tight loop: the backend waits, twice
     * as long after each failure in a row, and past the policy's count it reports itself out of service.
     */
    private void launch(LaunchBackoff.Policy policy) {
        String id = name + "-" + browserSeq.incrementAndGet();
        try {
            BrowserInstance browser = backend.launch(new LaunchSpec(id, this));
            BrowserHost host = new BrowserHost(id, name, description.family(), browser);
            hosts.add(host);
            int failedBefore = launches.succeeded();
            LOG.log(Level.INFO, "launched browser " + id + " (" + browser.version() + ")"
                    + (failedBefore > 0 ? " after " + failedBefore + " failed launches: backend " + name
                            + " is in service again" : ""));
            if (isClosedForWork()) {
                closeHost(host, FailureClass.CONNECTION_LOST, "backend " + name + " stopped");
                return;
            }
        } catch (RuntimeException | org.webaccel.api.spi.BackendException e) {
            lastError = "launching " + id + " failed: " + e.getMessage();
            boolean wasInService = launches.outOfService(policy) == null;
            long wait = launches.failed(lastError, System.nanoTime(), policy);
            LOG.log(Level.WARNING, lastError + "; next launch in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms");
            String out = launches.outOfService(policy);
            if (wasInService && out != null) {
                LOG.log(Level.ERROR, "backend " + name + " is out of service: " + out);
            }
            pages.later(wait, this::maintainSoon);
            return;
        }
        maintainSoon();
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
                    maintainSoon();
                });
    }

    @Override
    public void pageDied(BrowserPage page, String reason) {
        for (BrowserHost h : hosts) {
            h.workers.stream().filter(w -> w.page == page).findFirst()
                    .ifPresent(w -> pages.gone(w, FailureClass.PAGE_CRASH, "page died: " + reason));
        }
    }

    /**
     * Closes a browser: its workers are gone at once (their runs fail with the class and may run again
     * elsewhere); the browser itself is closed on the lane.
     */
    void closeHost(BrowserHost host, FailureClass c, String reason) {
        synchronized (host) {
            if (host.closed) {
                return;
            }
            host.closed = true;
        }
        hosts.remove(host);
        host.workers.forEach(w -> pages.gone(w, c, reason));
        onLane(() -> {
            try {
                host.browser.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "closing " + host.id + ": " + e);
            }
        });
    }

    /** @return the browser that hosts a page of this backend, by its id */
    BrowserHost host(String id) {
        return hosts.stream().filter(h -> h.id.equals(id)).findFirst().orElse(null);
    }

    /** Takes the backend out of service until {@link #resume()}: its workers finish and close. */
    void drain() {
        draining = true;
        hosts.forEach(h -> h.workers.forEach(pages::drain));
    }

    void resume() {
        draining = false;
        maintainSoon();
    }

    /**
     * Removes the backend: drains it, waits up to {@code drainNanos} for running requests to finish (those still
     * running then run again elsewhere), closes its browsers, and ends its lane once they are closed (or after
     * the same time again, when its driver hangs).
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
        hosts.forEach(h -> closeHost(h, FailureClass.CONNECTION_LOST, reason));
        lane.end(Math.max(TimeUnit.SECONDS.toNanos(5), drainNanos));
    }

    BackendDescription description() {
        return description;
    }

    BackendStatus status() {
        int workers = hosts.stream().mapToInt(h -> h.workers.size()).sum();
        PageCapabilities caps = hosts.stream().flatMap(h -> h.workers.stream())
                .map(w -> w.channel == null ? null : w.channel.capabilities()).filter(Objects::nonNull)
                .findFirst().orElse(null);
        return new BackendStatus(description, hosts.size(), workers, lastError, caps, isClosedForWork(),
                launches.failures(), launches.outOfService(pages.lifecycle().launches()));
    }
}
