package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.RejectedException;
import org.webaccel.api.Timings;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.bridge.ChannelClosedException;
import org.webaccel.bridge.PageException;
import org.webaccel.bridge.PageResult;

/**
 * The queue and the workers, matched under one lock. Requests wait in arrival order; a free worker takes the
 * first request it can run, preferring a request whose model it has already loaded. Work that starts a page
 * call is collected under the lock and started after it, so that completions never re-enter it.
 */
final class Dispatcher {
    private static final Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final Object lock = new Object();
    private final LinkedList<Request> queue = new LinkedList<>();
    private final List<Worker> workers = new ArrayList<>();
    private volatile int capacity;
    private volatile int maxAttempts;
    private volatile long hangGraceNanos;
    private final ScheduledExecutorService timers;
    private final Consumer<Worker> hung;
    private final Consumer<Worker> drained;
    private final java.util.function.Predicate<Worker> retire;
    private volatile java.util.function.Supplier<HealthMonitor> health = () -> null;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private boolean stopping;

    Dispatcher(int capacity, int maxAttempts, long hangGraceNanos, ScheduledExecutorService timers,
            Consumer<Worker> hung, Consumer<Worker> drained, java.util.function.Predicate<Worker> retire) {
        this.drained = drained;
        this.retire = retire;
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.hangGraceNanos = hangGraceNanos;
        this.timers = timers;
        this.hung = hung;
    }

    /** Takes new limits; requests already queued stay queued even if the new capacity is smaller. */
    void limits(int capacity, int maxAttempts, long hangGraceNanos) {
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.hangGraceNanos = hangGraceNanos;
    }

    /** Where placement asks whether a worker's breaker admits a call, and where outcomes are reported. */
    void health(java.util.function.Supplier<HealthMonitor> monitor) {
        this.health = monitor;
    }

    /** Counts a request refused before it was accepted. */
    void countRejected() {
        rejected.incrementAndGet();
    }

    /**
     * Accepts a request or refuses it at once.
     *
     * @throws RejectedException when the queue is full or the pool is stopping
     */
    void submit(Request r) {
        synchronized (lock) {
            if (stopping) {
                rejected.incrementAndGet();
                throw new RejectedException("the pool is stopping");
            }
            if (queue.size() >= capacity) {
                rejected.incrementAndGet();
                throw new RejectedException("queue full: " + queue.size() + " requests are waiting (capacity "
                        + capacity + "); retry later");
            }
            submitted.incrementAndGet();
            enqueue(r);
        }
        long delay = r.deadlineNanos - System.nanoTime();
        timers.schedule(() -> expire(r), Math.max(0, delay), TimeUnit.NANOSECONDS);
        dispatch();
    }

    /** Behind every queued request of the same or a higher priority: priorities first, then arrival order. */
    private void enqueue(Request r) {
        java.util.ListIterator<Request> it = queue.listIterator(queue.size());
        while (it.hasPrevious()) {
            if (it.previous().options.priority() >= r.options.priority()) {
                it.next();
                break;
            }
        }
        it.add(r);
    }

    void workerOpened(Worker w) {
        synchronized (lock) {
            w.state = Worker.State.STARTING;
            workers.add(w);
        }
    }

    void workerReady(Worker w) {
        synchronized (lock) {
            if (w.state != Worker.State.STARTING) {
                return;
            }
            w.state = Worker.State.IDLE;
            w.idleSinceNanos = System.nanoTime();
        }
        dispatch();
    }

    /**
     * Stops giving the worker new requests. An idle or starting worker is taken out at once; a busy one when
     * its request ends, through the drained callback.
     *
     * @return true when the worker was taken out now and the caller must close it
     */
    boolean drain(Worker w) {
        synchronized (lock) {
            if (w.state == Worker.State.CLOSED) {
                return false;
            }
            w.draining = true;
            if (w.state == Worker.State.BUSY) {
                return false;
            }
            w.state = Worker.State.CLOSED;
            workers.remove(w);
            return true;
        }
    }

    /**
     * Drains the worker if it has been idle since before {@code idleBeforeNanos}.
     *
     * @return true when the worker was taken out and the caller must close it
     */
    boolean reapIfIdle(Worker w, long idleBeforeNanos) {
        synchronized (lock) {
            if (w.state != Worker.State.IDLE || w.draining || w.idleSinceNanos - idleBeforeNanos > 0) {
                return false;
            }
            w.draining = true;
            w.state = Worker.State.CLOSED;
            workers.remove(w);
            return true;
        }
    }

    /** The worker is gone: its request, if any, goes back to the queue while it has attempts left. */
    void workerLost(Worker w, String reason) {
        Request orphan;
        synchronized (lock) {
            if (w.state == Worker.State.CLOSED) {
                return;
            }
            w.state = Worker.State.CLOSED;
            workers.remove(w);
            orphan = w.current;
            w.current = null;
        }
        if (orphan != null) {
            retryOrFail(orphan, new ChannelClosedException(reason));
        }
        dispatch();
    }

    private void retryOrFail(Request r, Throwable cause) {
        synchronized (lock) {
            if (!r.isDone() && !stopping && r.attempts < maxAttempts && System.nanoTime() < r.deadlineNanos) {
                LOG.log(Level.INFO, "request " + r.id + " lost its worker (" + cause.getMessage() + "); retrying");
                queue.addFirst(r);
                return;
            }
        }
        fail(r, new InferenceFailedException("request " + r.id + " for " + r.model.id() + " failed: "
                + cause.getMessage(), r.attempts, cause));
    }

    private void expire(Request r) {
        Worker running = null;
        boolean queued;
        synchronized (lock) {
            if (r.isDone()) {
                return;
            }
            queued = queue.remove(r);
            if (!queued) {
                running = workers.stream().filter(w -> w.current == r).findFirst().orElse(null);
            }
        }
        long now = System.nanoTime();
        if (queued) {
            fail(r, new DeadlineExceededException("request " + r.id + " for " + r.model.id() + " waited "
                    + Math.round(r.msSinceSubmit(now)) + " ms without a free worker that can run "
                    + r.options.executionProvider() + " (timeout " + r.options.timeout().toMillis() + " ms); "
                    + liveWorkersText() + "; it was never run"));
        } else if (running != null) {
            Worker w = running;
            fail(r, new DeadlineExceededException("request " + r.id + " for " + r.model.id()
                    + " was still running on worker " + w.id + " at its deadline of "
                    + r.options.timeout().toMillis() + " ms"));
            timers.schedule(() -> {
                boolean stillThere;
                synchronized (lock) {
                    stillThere = w.current == r;
                }
                if (stillThere) {
                    hung.accept(w);
                }
            }, hangGraceNanos, TimeUnit.NANOSECONDS);
        }
    }

    private String liveWorkersText() {
        synchronized (lock) {
            long starting = workers.stream().filter(w -> w.state == Worker.State.STARTING).count();
            return (workers.size() - starting) + " workers connected, " + starting + " starting";
        }
    }

    /** Matches queued requests with free workers, then starts the matches outside the lock. */
    void dispatch() {
        List<Runnable> starts = new ArrayList<>();
        List<Request> unsupported = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Request> it = queue.iterator(); it.hasNext();) {
                Request r = it.next();
                if (r.isDone()) {
                    it.remove();
                    continue;
                }
                Worker w = pick(r);
                if (w != null) {
                    it.remove();
                    w.state = Worker.State.BUSY;
                    w.current = r;
                    r.attempts++;
                    if (r.startedNanos == 0) {
                        r.startedNanos = System.nanoTime();
                    }
                    starts.add(() -> run(r, w));
                } else if (!anyCouldServe(r.options.executionProvider())) {
                    it.remove();
                    unsupported.add(r);
                }
            }
        }
        starts.forEach(Runnable::run);
        for (Request r : unsupported) {
            fail(r, new InferenceFailedException("no worker can run " + r.options.executionProvider() + ": "
                    + unsupportedReasons(r.options.executionProvider()), r.attempts, null));
        }
    }

    /**
     * A free worker that can run the request, preferring one that holds its model already. A worker whose
     * circuit breaker (or whose backend's) is open is never picked; the breaker is asked only about the
     * worker about to be chosen, because asking uses up a half-open trial call.
     */
    private Worker pick(Request r) {
        String key = Worker.sessionKey(r);
        List<Worker> candidates = new ArrayList<>();
        for (Worker w : workers) {
            if (w.state == Worker.State.IDLE && !w.draining && w.host.recycling == null
                    && w.supports(r.options.executionProvider())) {
                candidates.add(w);
            }
        }
        candidates.sort(java.util.Comparator.comparing(w -> !w.loaded.contains(key)));
        HealthMonitor monitor = health.get();
        for (Worker w : candidates) {
            if (monitor == null || monitor.allows(w.id, w.host.backend.name())) {
                return w;
            }
        }
        return null;
    }

    /**
     * False only when workers in service exist, none is still starting, and none supports the provider. With no
     * worker in service (none yet, or all draining) a request waits: a backend may come or come back.
     */
    private boolean anyCouldServe(ExecutionProvider ep) {
        List<Worker> inService = workers.stream().filter(w -> !w.draining).toList();
        return inService.isEmpty()
                || inService.stream().anyMatch(w -> w.state == Worker.State.STARTING || w.supports(ep));
    }

    private String unsupportedReasons(ExecutionProvider ep) {
        synchronized (lock) {
            List<String> reasons = new ArrayList<>();
            for (Worker w : workers) {
                var caps = w.channel == null ? null : w.channel.capabilities();
                String why = caps == null ? "no capabilities"
                        : ep == ExecutionProvider.WEBGPU && caps.webgpu() != null ? caps.webgpu().reason()
                        : ep == ExecutionProvider.WEBNN && caps.webnn() != null ? caps.webnn().devices().toString()
                        : "not supported";
                reasons.add(w.id + ": " + why);
            }
            return String.join("; ", reasons);
        }
    }

    private void run(Request r, Worker w) {
        w.channel.run(r.model, r.options.executionProvider(), r.inputs, List.of())
                .whenComplete((page, error) -> finished(r, w, page, error));
    }

    private void finished(Request r, Worker w, PageResult page, Throwable error) {
        long now = System.nanoTime();
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        boolean workerAlive;
        boolean drainedNow = false;
        if (cause == null) {
            w.served.incrementAndGet();
        }
        synchronized (lock) {
            workerAlive = w.state == Worker.State.BUSY && w.current == r;
            if (workerAlive) {
                w.current = null;
                // Retiring here, before the worker is idle again, keeps request limits exact.
                if (w.draining || retire.test(w)) {
                    w.draining = true;
                    w.state = Worker.State.CLOSED;
                    workers.remove(w);
                    drainedNow = true;
                } else {
                    w.state = Worker.State.IDLE;
                    w.idleSinceNanos = now;
                }
            }
        }
        report(w, r, page, cause);
        if (cause == null) {
            w.loaded.add(Worker.sessionKey(r));
            double queuedMs = (r.startedNanos - r.submittedNanos) / 1e6;
            double transferMs = Math.max(0, page.roundTripMs() - page.computeMs() - page.loadMs());
            Timings t = new Timings(queuedMs, page.loadMs(), transferMs, page.computeMs(), r.msSinceSubmit(now));
            succeed(r, new InferenceResult(r.model.id(), page.outputs(), t, w.id, w.host.backend.name(),
                    r.options.executionProvider()));
        } else if (cause instanceof ChannelClosedException) {
            // workerLost (from the channel's close listener) owns the retry; this covers the race where the
            // worker was already gone before this request was registered as its current one.
            if (workerAlive) {
                retryOrFail(r, cause);
            }
        } else if (cause instanceof PageException pe) {
            // The model itself failed in the page: running it elsewhere would fail the same way.
            fail(r, new InferenceFailedException("model " + r.model.id() + " failed in worker " + w.id + " while "
                    + (pe.stage().equals("load") ? "creating its session" : "running") + " on "
                    + r.options.executionProvider() + ": " + pe.getMessage(), r.attempts, pe));
        } else {
            fail(r, new InferenceFailedException("request " + r.id + " failed on worker " + w.id + ": " + cause,
                    r.attempts, cause));
        }
        if (drainedNow) {
            drained.accept(w);
        }
        dispatch();
    }

    private void report(Worker w, Request r, PageResult page, Throwable cause) {
        HealthMonitor monitor = health.get();
        if (monitor == null) {
            return;
        }
        String backend = w.host.backend.name();
        if (cause == null) {
            monitor.recordSuccess(w.id, backend, Worker.sessionKey(r),
                    java.time.Duration.ofNanos((long) (page.roundTripMs() * 1e6)));
        } else if (cause instanceof ChannelClosedException) {
            monitor.recordFailure(w.id, backend, FailureClass.CONNECTION_LOST);
        } else if (cause instanceof PageException) {
            monitor.recordFailure(w.id, backend, FailureClass.MODEL_ERROR);
        }
    }

    private void succeed(Request r, InferenceResult result) {
        if (r.result.complete(result)) {
            succeeded.incrementAndGet();
        }
    }

    void fail(Request r, InferenceException error) {
        if (r.result.completeExceptionally(error)) {
            failed.incrementAndGet();
        }
    }

    /** Refuses new requests and fails the queued ones; running ones may still finish. */
    List<Request> stop() {
        List<Request> queued;
        synchronized (lock) {
            stopping = true;
            queued = new ArrayList<>(queue);
            queue.clear();
        }
        queued.forEach(r -> fail(r, new InferenceFailedException("the pool stopped before request " + r.id
                + " could run", r.attempts, null)));
        synchronized (lock) {
            return workers.stream().map(w -> w.current).filter(java.util.Objects::nonNull).toList();
        }
    }

    PoolStatus status() {
        synchronized (lock) {
            int idle = 0;
            int busy = 0;
            int starting = 0;
            for (Worker w : workers) {
                switch (w.state) {
                    case IDLE -> idle++;
                    case BUSY -> busy++;
                    case STARTING -> starting++;
                    default -> { }
                }
            }
            long s = submitted.get();
            long ok = succeeded.get();
            long ko = failed.get();
            return new PoolStatus(idle + busy, idle, busy, starting, queue.size(), s - ok - ko, s, ok, ko,
                    rejected.get(), capacity);
        }
    }

    List<WorkerInfo> workers() {
        synchronized (lock) {
            return workers.stream().map(w -> w.info(w.state.name().toLowerCase(java.util.Locale.ROOT))).toList();
        }
    }
}
