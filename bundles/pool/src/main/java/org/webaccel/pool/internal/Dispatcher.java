package org.webaccel.pool.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
 * The queue and the workers, matched under one lock. Requests wait by priority, then in arrival order; a free
 * worker takes the first request it can run, preferring a request whose model it has already loaded. Work that
 * starts a page call is collected under the lock and started after it, so that completions never re-enter it.
 *
 * <p>Each run of a request is an attempt. A failed attempt is classified ({@link FailureClass}) and, where
 * {@link Recovery} says so and time and the attempt budget allow, a Failsafe {@link RetryPolicy} queues the
 * request again after a backoff. The request ends once, with the result of an attempt or the last error.
 */
final class Dispatcher {
    private static final Logger LOG = System.getLogger(Dispatcher.class.getName());

    /** An attempt's failure, with the dispatcher's verdict on whether the request may be tried again. */
    private static final class AttemptFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient InferenceException error;
        final boolean retry;

        AttemptFailed(InferenceException error, boolean retry) {
            super(error.getMessage(), null, false, false);
            this.error = error;
            this.retry = retry;
        }
    }

    private final Object lock = new Object();
    private final LinkedList<Request> queue = new LinkedList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final Set<Request> live = ConcurrentHashMap.newKeySet();
    private volatile int capacity;
    private volatile int maxAttempts;
    private volatile long hangGraceNanos;
    private final ScheduledExecutorService timers;
    private final Consumer<Worker> hung;
    private final Consumer<Worker> drained;
    private final Predicate<Worker> retire;
    private final BiConsumer<Worker, String> restartBrowser;
    private volatile Supplier<HealthMonitor> health = () -> null;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final Map<FailureClass, AtomicLong> failed = new EnumMap<>(FailureClass.class);
    private boolean stopping;

    Dispatcher(int capacity, int maxAttempts, long hangGraceNanos, ScheduledExecutorService timers,
            Consumer<Worker> hung, Consumer<Worker> drained, Predicate<Worker> retire,
            BiConsumer<Worker, String> restartBrowser) {
        this.drained = drained;
        this.retire = retire;
        this.restartBrowser = restartBrowser;
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.hangGraceNanos = hangGraceNanos;
        this.timers = timers;
        this.hung = hung;
        for (FailureClass c : FailureClass.values()) {
            failed.put(c, new AtomicLong());
        }
    }

    /** Takes new limits; requests already queued stay queued even if the new capacity is smaller. */
    void limits(int capacity, int maxAttempts, long hangGraceNanos) {
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.hangGraceNanos = hangGraceNanos;
    }

    /** Where placement asks whether a worker's breaker admits a call, and where outcomes are reported. */
    void health(Supplier<HealthMonitor> monitor) {
        this.health = monitor;
    }

    /** Counts a request refused before it was accepted. */
    void countRejected() {
        rejected.incrementAndGet();
    }

    /**
     * Accepts a request or refuses it at once. An accepted request runs until it ends: its attempts are
     * retried by a Failsafe policy built for it.
     *
     * @throws RejectedException when the queue is full or the pool is stopping
     */
    void submit(Request r) {
        CompletableFuture<InferenceResult> first = new CompletableFuture<>();
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
            live.add(r);
            r.attempt = first;
            enqueue(r, false);
        }
        long delay = r.deadlineNanos - System.nanoTime();
        timers.schedule(() -> expire(r), Math.max(0, delay), TimeUnit.NANOSECONDS);
        Failsafe.with(retryPolicy(r)).with(timers)
                .getStageAsync(ctx -> ctx.isFirstAttempt() ? first : again(r))
                .whenComplete((result, error) -> end(r, result, error));
        dispatch();
    }

    private RetryPolicy<InferenceResult> retryPolicy(Request r) {
        return RetryPolicy.<InferenceResult>builder()
                .handleIf((result, error) -> error instanceof AttemptFailed f && f.retry)
                .withMaxAttempts(maxAttempts)
                .withDelayFn(ctx -> ctx.getLastException() instanceof AttemptFailed f
                        ? Recovery.plan(f.error.failureClass()).delay(ctx.getAttemptCount()) : Duration.ZERO)
                .onRetry(e -> {
                    retried.incrementAndGet();
                    LOG.log(Level.INFO, "request " + r.id + " retried (attempt " + (e.getAttemptCount() + 1)
                            + "): " + e.getLastException().getMessage());
                })
                .build();
    }

    /** Queues the request for another attempt, unless the pool stops or its time ran out meanwhile. */
    private CompletableFuture<InferenceResult> again(Request r) {
        CompletableFuture<InferenceResult> attempt = new CompletableFuture<>();
        synchronized (lock) {
            if (stopping) {
                attempt.completeExceptionally(new AttemptFailed(new InferenceFailedException("the pool stopped "
                        + "before request " + r.id + " could be retried", FailureClass.SHUTDOWN, r.attempts, null),
                        false));
                return attempt;
            }
            if (System.nanoTime() - r.deadlineNanos >= 0) {
                attempt.completeExceptionally(new AttemptFailed(new DeadlineExceededException("request " + r.id
                        + " for " + r.model.id() + " reached its deadline of " + r.options.timeout().toMillis()
                        + " ms while waiting to be retried after " + r.attempts + " attempts"), false));
                return attempt;
            }
            r.attempt = attempt;
            enqueue(r, true);
        }
        dispatch();
        return attempt;
    }

    /**
     * Queues by priority: behind every request of a higher priority; behind those of the same priority too,
     * unless it is a retry, which goes ahead of them because it has waited longer.
     */
    private void enqueue(Request r, boolean retry) {
        int p = r.options.priority();
        ListIterator<Request> it = queue.listIterator(queue.size());
        while (it.hasPrevious()) {
            int q = it.previous().options.priority();
            if (q > p || (q == p && !retry)) {
                it.next();
                break;
            }
        }
        it.add(r);
    }

    /** The request's last attempt ended: end the request with its result or error, exactly once. */
    private void end(Request r, InferenceResult result, Throwable error) {
        live.remove(r);
        if (result != null) {
            if (r.ended.compareAndSet(false, true)) {
                // Counted before the caller can see the result, so that a caller reading the status next
                // finds it counted.
                succeeded.incrementAndGet();
                r.result.complete(result);
            }
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        InferenceException e = cause instanceof AttemptFailed f ? f.error
                : cause instanceof InferenceException ie ? ie
                : new InferenceFailedException("request " + r.id + " failed: " + cause, FailureClass.MODEL_ERROR,
                        r.attempts, cause);
        fail(r, e);
    }

    private void fail(Request r, InferenceException error) {
        if (r.ended.compareAndSet(false, true)) {
            failed.get(error.failureClass()).incrementAndGet();
            r.result.completeExceptionally(error);
        }
    }

    /** Ends the attempt with a failure; the retry policy decides whether the request runs again. */
    private static void failAttempt(CompletableFuture<InferenceResult> attempt, InferenceException error,
            boolean retry) {
        attempt.completeExceptionally(new AttemptFailed(error, retry));
    }

    /** Whether a request that failed with this class may run again: its plan allows it, and it has time. */
    private boolean mayRetry(Request r, FailureClass c) {
        synchronized (lock) {
            return Recovery.plan(c).retry() != Recovery.Retry.NEVER && !stopping
                    && System.nanoTime() - r.deadlineNanos < 0;
        }
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

    /**
     * The worker is gone: its request's attempt fails with the class of the loss, and the request runs again
     * elsewhere while its budget and deadline allow.
     */
    void workerLost(Worker w, FailureClass c, String reason) {
        Request orphan;
        CompletableFuture<InferenceResult> attempt;
        synchronized (lock) {
            if (w.state == Worker.State.CLOSED) {
                return;
            }
            w.state = Worker.State.CLOSED;
            workers.remove(w);
            orphan = w.current;
            attempt = orphan == null ? null : orphan.attempt;
            w.current = null;
        }
        if (orphan != null) {
            report(w, orphan, c, null);
            failAttempt(attempt, new InferenceFailedException("request " + orphan.id + " for " + orphan.model.id()
                    + " lost worker " + w.id + ": " + reason, c, orphan.attempts, new ChannelClosedException(reason)),
                    mayRetry(orphan, c));
        }
        dispatch();
    }

    private void expire(Request r) {
        Worker running = null;
        boolean queued;
        CompletableFuture<InferenceResult> attempt;
        synchronized (lock) {
            if (r.isDone()) {
                return;
            }
            queued = queue.remove(r);
            if (!queued) {
                running = workers.stream().filter(w -> w.current == r).findFirst().orElse(null);
            }
            attempt = r.attempt;
        }
        long now = System.nanoTime();
        if (queued) {
            failAttempt(attempt, new DeadlineExceededException("request " + r.id + " for " + r.model.id() + " waited "
                    + Math.round(r.msSinceSubmit(now)) + " ms without a free worker that can run " + r.ep
                    + " (timeout " + r.options.timeout().toMillis() + " ms); " + liveWorkersText()
                    + "; it was never run" + (r.attempts > 0 ? " again after " + r.attempts + " attempts" : "")),
                    false);
        } else if (running != null) {
            Worker w = running;
            failAttempt(attempt, new DeadlineExceededException("request " + r.id + " for " + r.model.id()
                    + " was still running on worker " + w.id + " at its deadline of "
                    + r.options.timeout().toMillis() + " ms", FailureClass.HANG), false);
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
        // Otherwise the request waits out a retry backoff; the retry finds its deadline passed.
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
        List<Runnable> unsupported = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Request> it = queue.iterator(); it.hasNext();) {
                Request r = it.next();
                if (r.isDone() || r.attempt.isDone()) {
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
                    CompletableFuture<InferenceResult> attempt = r.attempt;
                    starts.add(() -> run(r, w, attempt));
                } else if (!anyCouldServe(r)) {
                    it.remove();
                    CompletableFuture<InferenceResult> attempt = r.attempt;
                    String why = unsupportedReasons(r);
                    unsupported.add(() -> failAttempt(attempt, new InferenceFailedException("no worker can run "
                            + r.model.id() + " on " + r.ep + ": " + why, FailureClass.UNSUPPORTED_OPERATOR,
                            r.attempts, null), false));
                }
            }
        }
        starts.forEach(Runnable::run);
        unsupported.forEach(Runnable::run);
    }

    /** Whether the worker may take this request, breakers aside. */
    private static boolean fits(Worker w, Request r) {
        return !w.draining && w.host.recycling == null && w.supports(r.ep)
                && !r.avoidBackends.contains(w.host.backend.name());
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
            if (w.state == Worker.State.IDLE && fits(w, r) && w.channel.isOpen()) {
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
     * False only when workers in service exist, none is still starting, and none can run the request. With no
     * worker in service (none yet, or all draining) a request waits: a backend may come or come back.
     */
    private boolean anyCouldServe(Request r) {
        List<Worker> inService = workers.stream().filter(w -> !w.draining).toList();
        return inService.isEmpty() || inService.stream().anyMatch(w -> w.state == Worker.State.STARTING
                && !r.avoidBackends.contains(w.host.backend.name()) || fits(w, r));
    }

    private String unsupportedReasons(Request r) {
        ExecutionProvider ep = r.ep;
        List<String> reasons = new ArrayList<>();
        for (Worker w : workers) {
            var caps = w.channel == null ? null : w.channel.capabilities();
            String why = r.avoidBackends.contains(w.host.backend.name()) ? "its backend failed this model"
                    : caps == null ? "no capabilities"
                    : ep == ExecutionProvider.WEBGPU && caps.webgpu() != null ? caps.webgpu().reason()
                    : ep == ExecutionProvider.WEBNN && caps.webnn() != null ? caps.webnn().devices().toString()
                    : "not supported";
            reasons.add(w.id + ": " + why);
        }
        return String.join("; ", reasons);
    }

    private void run(Request r, Worker w, CompletableFuture<InferenceResult> attempt) {
        w.channel.run(r.model, r.ep, r.inputs, List.of())
                .whenComplete((page, error) -> finished(r, w, attempt, page, error));
    }

    private void finished(Request r, Worker w, CompletableFuture<InferenceResult> attempt, PageResult page,
            Throwable error) {
        long now = System.nanoTime();
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean workerAlive;
        boolean drainedNow = false;
        if (cause == null) {
            w.served.incrementAndGet();
        }
        synchronized (lock) {
            workerAlive = w.state == Worker.State.BUSY && w.current == r;
            if (workerAlive) {
                w.current = null;
                if (cause instanceof ChannelClosedException) {
                    // The page's socket is gone and its close listener will end the worker; were it idle until
                    // then, a retry could be placed on it again and use up every attempt on a dead page.
                    w.state = Worker.State.CLOSED;
                    workers.remove(w);
                } else if (w.draining || retire.test(w)) {
                    // Retiring here, before the worker is idle again, keeps request limits exact.
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
        if (cause == null) {
            report(w, r, null, page);
            w.loaded.add(Worker.sessionKey(r));
            double queuedMs = (r.startedNanos - r.submittedNanos) / 1e6;
            double transferMs = Math.max(0, page.roundTripMs() - page.computeMs() - page.loadMs());
            Timings t = new Timings(queuedMs, page.loadMs(), transferMs, page.computeMs(), r.msSinceSubmit(now));
            attempt.complete(new InferenceResult(r.model.id(), page.outputs(), t, w.id, w.host.backend.name(), r.ep));
        } else if (cause instanceof ChannelClosedException) {
            // workerLost (from the channel's close listener) owns the retry; this covers the race where the
            // worker was already gone before this request was registered as its current one.
            if (workerAlive) {
                report(w, r, FailureClass.CONNECTION_LOST, null);
                failAttempt(attempt, new InferenceFailedException("request " + r.id + " lost worker " + w.id + ": "
                        + cause.getMessage(), FailureClass.CONNECTION_LOST, r.attempts, cause),
                        mayRetry(r, FailureClass.CONNECTION_LOST));
            }
        } else if (cause instanceof PageException pe) {
            pageFailed(r, w, attempt, pe);
        } else {
            // The request could not be framed for the page: its input, not the worker, is at fault.
            failAttempt(attempt, new InferenceFailedException("request " + r.id + " could not be sent to worker "
                    + w.id + ": " + cause.getMessage(), FailureClass.INVALID_INPUT, r.attempts, cause), false);
        }
        if (drainedNow) {
            drained.accept(w);
        }
        dispatch();
    }

    /** The page reported an error: classify it, and retry, fall back or give up as its class says. */
    private void pageFailed(Request r, Worker w, CompletableFuture<InferenceResult> attempt, PageException pe) {
        FailureClass c = FailureClassifier.classify(pe.errorName(), pe.getMessage());
        report(w, r, c, null);
        ExecutionProvider ran = r.ep;
        String what = "model " + r.model.id() + " failed in worker " + w.id + " while "
                + (pe.stage().equals("load") ? "creating its session" : "running") + " on " + ran + ": "
                + pe.getMessage();
        boolean retry = mayRetry(r, c);
        if (retry && c == FailureClass.UNSUPPORTED_OPERATOR) {
            synchronized (lock) {
                if (ran != ExecutionProvider.WASM) {
                    r.ep = ExecutionProvider.WASM;
                    LOG.log(Level.INFO, "request " + r.id + ": " + ran + " cannot run " + r.model.id()
                            + "; falling back to wasm");
                } else {
                    r.avoidBackends.add(w.host.backend.name());
                    retry = workers.stream().anyMatch(o -> !o.draining
                            && !r.avoidBackends.contains(o.host.backend.name()));
                    if (retry) {
                        LOG.log(Level.INFO, "request " + r.id + ": backend " + w.host.backend.name()
                                + " cannot run " + r.model.id() + " on wasm; moving it to another backend");
                    }
                }
            }
        }
        if (Recovery.plan(c).action() == Recovery.Action.RESTART_BROWSER) {
            restartBrowser.accept(w, c.id() + " in worker " + w.id + ": " + pe.getMessage());
        }
        failAttempt(attempt, new InferenceFailedException(what, c, r.attempts, pe), retry);
    }

    /** Tells the health monitor how an attempt went: a success with its latency, or a failure's class. */
    private void report(Worker w, Request r, FailureClass c, PageResult page) {
        HealthMonitor monitor = health.get();
        if (monitor == null) {
            return;
        }
        String backend = w.host.backend.name();
        if (c == null) {
            monitor.recordSuccess(w.id, backend, Worker.sessionKey(r), Duration.ofNanos((long) (page.roundTripMs() * 1e6)));
        } else {
            monitor.recordFailure(w.id, backend, c);
        }
    }

    /**
     * Refuses new requests and fails the queued ones; running ones may still finish.
     *
     * @return the requests running now
     */
    List<Request> stop() {
        List<Request> queued;
        synchronized (lock) {
            stopping = true;
            queued = new ArrayList<>(queue);
            queue.clear();
        }
        queued.forEach(r -> failAttempt(r.attempt, new InferenceFailedException("the pool stopped before request "
                + r.id + " could run", FailureClass.SHUTDOWN, r.attempts, null), false));
        synchronized (lock) {
            return workers.stream().map(w -> w.current).filter(java.util.Objects::nonNull).toList();
        }
    }

    /** Ends every request that has not ended yet (running, or waiting for a retry) with a shutdown error. */
    void abandon(String why) {
        for (Request r : List.copyOf(live)) {
            live.remove(r);
            fail(r, new InferenceFailedException(why + " before request " + r.id + " ended", FailureClass.SHUTDOWN,
                    r.attempts, null));
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
            Map<FailureClass, Long> byClass = new EnumMap<>(FailureClass.class);
            failed.forEach((c, n) -> byClass.put(c, n.get()));
            long ko = byClass.values().stream().mapToLong(Long::longValue).sum();
            long ok = succeeded.get();
            long s = submitted.get();
            return new PoolStatus(idle + busy, idle, busy, starting, queue.size(), s - ok - ko, s, ok, ko,
                    rejected.get(), capacity, retried.get(), byClass);
        }
    }

    List<WorkerInfo> workers() {
        synchronized (lock) {
            return workers.stream().map(w -> w.info(w.state.name().toLowerCase(java.util.Locale.ROOT))).toList();
        }
    }
}
