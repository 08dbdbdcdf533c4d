package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.Scaling;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.api.transport.WorkerEndpoint;

/**
 * The pool's browsers and pages: one {@link BackendRuntime} per backend, the pages they open through the
 * bridge, and what happens when a page goes (its runs fail and may run again, a replacement opens). A
 * lifecycle step runs at the configured interval: the scaling controller, then each backend's step on that
 * backend's own lane.
 */
final class Workforce implements Dispatcher.WorkerEvents, BackendRuntime.Pages {
    private static final Logger LOG = System.getLogger(Workforce.class.getName());

    private final WorkerBridge bridge;
    private Dispatcher dispatcher;
    private final Map<BrowserBackend, BackendRuntime> backends = new ConcurrentHashMap<>();
    private final AtomicInteger pageSeq = new AtomicInteger();
    private final Autoscaler autoscaler = new Autoscaler();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webaccel-lifecycle");
        t.setDaemon(true);
        return t;
    });
    private volatile Lifecycle lifecycle;
    private volatile long connectTimeoutSeconds;
    private volatile int pipelineDepth = 1;
    private volatile Supplier<HealthMonitor> health = () -> null;
    private volatile boolean stopped;
    /** Guarded by this. */
    private ScheduledFuture<?> tick;

    Workforce(WorkerBridge bridge, Lifecycle lifecycle) {
        this.bridge = bridge;
        this.lifecycle = lifecycle;
    }

    /** Set once, before the first backend binds: where workers enter and leave service. */
    void dispatcher(Dispatcher d) {
        this.dispatcher = d;
    }

    void health(Supplier<HealthMonitor> monitor) {
        this.health = monitor;
    }

    /** Takes new settings; the next lifecycle step moves each backend towards them. */
    synchronized void configure(Lifecycle l, long connectTimeoutSeconds, int pipelineDepth, long stepSeconds) {
        this.lifecycle = l;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        this.pipelineDepth = Math.max(1, pipelineDepth);
        if (tick != null) {
            tick.cancel(false);
        }
        if (!stopped) {
            tick = ticker.scheduleWithFixedDelay(this::step, 0, Math.max(1, stepSeconds), TimeUnit.SECONDS);
        }
    }

    @Override
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /** A backend appeared: it probes its browser on its lane, then keeps its workers. */
    void bind(BrowserBackend backend, String name) {
        BackendRuntime runtime = new BackendRuntime(backend, name, this);
        backends.put(backend, runtime);
        runtime.start();
    }

    /** A backend went: its workers drain, their requests finish or move to other workers, its browsers close. */
    void unbind(BrowserBackend backend) {
        BackendRuntime runtime = backends.remove(backend);
        if (runtime != null) {
            runtime.stop("backend " + runtime.name() + " removed", lifecycle.drainTimeoutNanos());
        }
    }

    private void step() {
        try {
            autoscaler.step(lifecycle, dispatcher.oldestWaitNanos(System.nanoTime()), browserMemory(),
                    backends.values());
            HealthMonitor monitor = health.get();
            for (BackendRuntime b : backends.values()) {
                b.maintainSoon();
                if (monitor != null) {
                    reportMemory(b, monitor);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "lifecycle step failed", e);
        }
    }

    /** Opens a worker page in the browser, on the backend's lane; it enters service when the page connects. */
    @Override
    public void open(BackendRuntime runtime, BrowserHost host, boolean spare) {
        if (stopped || !host.acceptsPages() || runtime.isClosedForWork()) {
            return;
        }
        Worker w = new Worker(host.id + "-p" + pageSeq.incrementAndGet(), host, pipelineDepth);
        if (spare) {
            w.markSpare();
        }
        host.workers.add(w);
        dispatcher.workerOpened(w);
        WorkerEndpoint endpoint = bridge.openEndpoint(w.id);
        try {
            w.page = host.browser.openPage(endpoint.pageUrl());
        } catch (BackendException | RuntimeException e) {
            endpoint.revoke();
            runtime.recordError("opening a page in " + host.id + " failed: " + e.getMessage());
            gone(w, FailureClass.CONNECTION_LOST, "opening its page failed: " + e.getMessage());
            return;
        }
        endpoint.connected().toCompletableFuture().orTimeout(connectTimeoutSeconds, TimeUnit.SECONDS)
                .whenComplete((channel, error) -> connected(runtime, w, endpoint, channel, error));
    }

    private void connected(BackendRuntime runtime, Worker w, WorkerEndpoint endpoint, WorkerChannel channel,
            Throwable error) {
        if (error != null) {
            endpoint.revoke();
            String why = error instanceof TimeoutException ? "page did not connect within " + connectTimeoutSeconds
                    + " s" : "page did not connect: " + error.getMessage();
            runtime.recordError(w.id + ": " + why);
            gone(w, FailureClass.CONNECTION_LOST, why);
            return;
        }
        w.channel = channel;
        channel.onClose(reason -> gone(w, closeClass(w, reason), reason));
        LOG.log(Level.INFO, "worker " + w.id + " connected: ONNX Runtime Web " + channel.capabilities().ortVersion()
                + ", webgpu " + channel.capabilities().webgpu().available());
        dispatcher.workerReady(w);
    }

    /** Why a page's WebSocket closed: its browser died, it missed its heartbeats, or the connection dropped. */
    private static FailureClass closeClass(Worker w, String reason) {
        if (!w.host.closed && !w.host.browser.isAlive()) {
            return FailureClass.BROWSER_CRASH;
        }
        return reason.startsWith(WorkerChannel.MISSED_HEARTBEAT) ? FailureClass.HANG : FailureClass.CONNECTION_LOST;
    }

    @Override
    public boolean promote(Worker w) {
        return dispatcher.promote(w);
    }

    @Override
    public void drain(Worker w) {
        if (dispatcher.drain(w)) {
            closeOut(w, "worker drained");
        }
    }

    @Override
    public boolean reapIfIdle(Worker w, long idleBeforeNanos) {
        if (dispatcher.reapIfIdle(w, idleBeforeNanos)) {
            LOG.log(Level.INFO, "closing idle worker " + w.id);
            closeOut(w, "worker idle");
            return true;
        }
        return false;
    }

    /**
     * A worker is gone for good: its runs fail with the class of the loss (and run again elsewhere where the
     * class allows it), its page closes; its backend's next step opens a replacement.
     */
    @Override
    public void gone(Worker w, FailureClass c, String reason) {
        if (!remove(w)) {
            return;
        }
        LOG.log(Level.INFO, "worker " + w.id + " gone (" + c.id() + "): " + reason);
        dispatcher.workerLost(w, c, reason);
        BackendRuntime runtime = runtime(w);
        closePage(runtime, w, reason);
        if (runtime != null) {
            runtime.promoteSpare();
            if (!w.host.closed && !w.host.browser.isAlive()) {
                runtime.browserDied(w.host.browser, "browser no longer running");
            } else {
                runtime.maintainSoon();
            }
        }
    }

    @Override
    public void decision(String text) {
        autoscaler.decision(text);
    }

    @Override
    public void later(long delayNanos, Runnable task) {
        try {
            ticker.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the pool stopped: nothing is to be done later
        }
    }

    /**
     * Called under the dispatcher's lock after each run: past the browser's request limit, the browser starts
     * recycling and this worker retires at once; its backend's next step drains the siblings and launches the
     * replacement.
     */
    @Override
    public boolean retireAfterRun(Worker w) {
        BrowserHost host = w.host;
        if (host.recycling == null) {
            String why = lifecycle.requestLimitReason(host);
            if (why == null) {
                return false;
            }
            host.recycling = why;
            BackendRuntime runtime = runtime(w);
            if (runtime != null) {
                runtime.maintainSoon();
            }
        }
        return true;
    }

    @Override
    public void outOfService(Worker w) {
        closeOut(w, "worker drained");
    }

    @Override
    public void hung(Worker w, String reason) {
        gone(w, FailureClass.HANG, reason);
    }

    /** A page ran out of memory: restart its browser (drain it, close it, launch a replacement). */
    @Override
    public void restartBrowser(Worker w, String why) {
        BrowserHost host = w.host;
        if (host.recycling == null && !host.closed) {
            host.recycling = why;
            BackendRuntime runtime = runtime(w);
            if (runtime != null) {
                runtime.maintainSoon();
            }
        }
    }

    /** Closes a worker the dispatcher has already taken out of service; it runs nothing. */
    private void closeOut(Worker w, String reason) {
        if (remove(w)) {
            BackendRuntime runtime = runtime(w);
            closePage(runtime, w, reason);
            if (runtime != null) {
                runtime.maintainSoon();
            }
        }
    }

    /** @return false when the worker was removed already: the first removal alone closes it */
    private boolean remove(Worker w) {
        if (!w.host.workers.remove(w)) {
            return false;
        }
        w.host.servedByClosedPages.addAndGet(w.served.get());
        HealthMonitor monitor = health.get();
        if (monitor != null) {
            monitor.forget(w.id);
        }
        return true;
    }

    /** Closes the socket now (it sends nothing that waits) and the page on the backend's lane. */
    private void closePage(BackendRuntime runtime, Worker w, String reason) {
        WorkerChannel c = w.channel;
        if (c != null && c.isOpen()) {
            c.close(reason);
        }
        BrowserPage page = w.page;
        if (page != null && runtime != null) {
            runtime.onLane(page::close);
        }
    }

    private BackendRuntime runtime(Worker w) {
        for (BackendRuntime b : backends.values()) {
            if (b.name().equals(w.host.backend)) {
                return b;
            }
        }
        return null;
    }

    private BackendRuntime runtime(String name) {
        return backends.values().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend '" + name + "'; backends are "
                        + backends.values().stream().map(BackendRuntime::name).sorted().toList()));
    }

    /** @return the browsers' resident memory, summed over every backend */
    long browserMemory() {
        return backends.values().stream().mapToLong(BackendRuntime::residentBytes).sum();
    }

    List<BackendStatus> status() {
        return backends.values().stream().map(BackendRuntime::status).toList();
    }

    /** Feeds each browser's resident memory to the health monitor, once per worker it hosts. */
    private static void reportMemory(BackendRuntime b, HealthMonitor monitor) {
        b.hosts().stream().filter(h -> h.residentBytes >= 0)
                .forEach(h -> h.workers.forEach(w -> monitor.recordMemory(w.id, b.name(), h.residentBytes)));
    }

    /** @return the browser version a backend reported, or "unknown" */
    String browserVersion(String backend) {
        return backends.values().stream().filter(b -> b.name().equals(backend)).findFirst()
                .map(b -> b.description().browserVersion()).orElse("unknown");
    }

    Scaling scaling(long oldestWaitNanos) {
        Lifecycle l = lifecycle;
        Map<String, Integer> targets = new TreeMap<>();
        backends.values().forEach(b -> targets.put(b.name(), b.target(l)));
        return new Scaling(l.minWorkers(), l.maxWorkers(), TimeUnit.NANOSECONDS.toMillis(l.targetQueueWaitNanos()),
                l.memoryBudgetBytes(), browserMemory(), TimeUnit.NANOSECONDS.toMillis(oldestWaitNanos), targets,
                autoscaler.decisions());
    }

    void drain(String backend) {
        runtime(backend).drain();
    }

    void resume(String backend) {
        runtime(backend).resume();
    }

    /** Closes every browser; no new page opens. */
    void stop() {
        synchronized (this) {
            stopped = true;
            if (tick != null) {
                tick.cancel(false);
            }
        }
        ticker.shutdownNow();
        backends.values().forEach(b -> b.stop("pool stopped", 0));
        backends.clear();
    }
}
