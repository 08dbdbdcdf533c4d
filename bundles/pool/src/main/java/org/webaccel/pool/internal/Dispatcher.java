package org.webaccel.pool.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
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
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;
import org.webaccel.api.transport.ChannelClosedException;
import org.webaccel.api.transport.PageException;
import org.webaccel.api.transport.PageResult;

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
    /** Guarded by the lock: models whose batch is waiting to fill, with a dispatch timer armed. */
    private final Set<String> batchTimers = new HashSet<>();
    private volatile int capacity;
    private volatile int maxAttempts;
    private volatile long hangGraceNanos;
    private final ScheduledExecutorService timers;
    private final RequestBytes memory;
    private final Consumer<Worker> hung;
    private final Consumer<Worker> drained;
    private final Predicate<Worker> retire;
    private final BiConsumer<Worker, String> restartBrowser;
    private volatile Supplier<HealthMonitor> health = () -> null;
    private volatile Supplier<PlacementPolicy> policy = () -> null;
    private volatile ModelSettings settings = ModelSettings.NONE;
    /** Guarded by the lock: requests running now, by model name. */
    private final Map<String, Integer> running = new HashMap<>();
    /** Guarded by the lock: each model's next start tag, for fair turns between models. */
    private final Map<String, Double> startTags = new HashMap<>();
    /** Guarded by the lock: the start tag of the request started last. */
    private double virtualTime;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private final java.util.ArrayDeque<Long> recentRejections = new java.util.ArrayDeque<>();
    private final AtomicLong retried = new AtomicLong();
    private final Map<FailureClass, AtomicLong> failed = new EnumMap<>(FailureClass.class);
    private boolean stopping;

    Dispatcher(int capacity, int maxAttempts, long hangGraceNanos, ScheduledExecutorService timers,
            RequestBytes memory, Consumer<Worker> hung, Consumer<Worker> drained, Predicate<Worker> retire,
            BiConsumer<Worker, String> restartBrowser) {
        this.memory = memory;
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

    /** Where placement asks which worker and provider serve a request best, when a policy is installed. */
    void policy(Supplier<PlacementPolicy> p) {
        this.policy = p;
    }

    /** Takes new per-model limits and weights; they apply from the next dispatch. */
    void settings(ModelSettings s) {
        this.settings = s;
    }

    /** Counts a request refused before it was accepted. */
    void countRejected() {
        rejected();
    }

    private void rejected() {
        rejected.incrementAndGet();
        long now = System.nanoTime();
        synchronized (recentRejections) {
            recentRejections.addLast(now);
            trimRejections(now);
        }
    }

    private void trimRejections(long now) {
        while (!recentRejections.isEmpty() && (now - recentRejections.peekFirst() > MINUTE
                || recentRejections.size() > 100_000)) {
            recentRejections.removeFirst();
        }
    }

    /** @return requests refused at submission in the last 60 seconds */
    long rejectedLastMinute() {
        synchronized (recentRejections) {
            trimRejections(System.nanoTime());
            return recentRejections.size();
        }
    }

    /** @return how long the oldest queued request has waited, in nanoseconds; 0 when none waits */
    long oldestQueuedNanos(long now) {
        synchronized (lock) {
            long oldest = 0;
            for (Request r : queue) {
                oldest = Math.max(oldest, now - r.submittedNanos);
            }
            return oldest;
        }
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
                rejected();
                throw new RejectedException("the pool is stopping");
            }
            if (queue.size() >= capacity) {
                rejected();
                throw new RejectedException("queue full: " + queue.size() + " requests are waiting (capacity "
                        + capacity + "); retry later");
            }
            String full = memory.admit(r);
            if (full != null) {
                rejected();
                throw new RejectedException(full);
            }
            int limit = settings.queueLimit(r.model.name());
            if (limit != Integer.MAX_VALUE) {
                long waiting = queue.stream().filter(q -> q.model.name().equals(r.model.name())).count();
                if (waiting >= limit) {
                    memory.release(r);
                    rejected();
                    throw new RejectedException("queue full for model " + r.model.name() + ": " + waiting
                            + " of its requests are waiting (limit " + limit + "); retry later");
                }
            }
            submitted.incrementAndGet();
            live.add(r);
            r.attempt = first;
            enqueue(r, false);
        }
        long delay = r.deadlineNanos - System.nanoTime();
        // Cancelled when the request ends: the executor removes cancelled tasks, so an ended request is held
        // by no timer, whatever its deadline.
        r.deadlineTimer = timers.schedule(() -> expire(r), Math.max(0, delay), TimeUnit.NANOSECONDS);
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
            if (r.requested == ExecutionProvider.AUTO && !r.fellBack) {
                // Placement chooses again: the provider it chose may be what failed.
                r.ep = ExecutionProvider.AUTO;
            }
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
        memory.release(r);
        if (result != null) {
            if (r.ended.compareAndSet(false, true)) {
                // Counted before the caller can see the result, so that a caller reading the status next
                // finds it counted.
                succeeded.incrementAndGet();
                r.result.complete(result);
            }
            r.release();
            return;
        }
        Throwable cause = unwrap(error);
        InferenceException e = cause instanceof AttemptFailed f ? f.error
                : cause instanceof InferenceException ie ? ie
                : new InferenceFailedException("request " + r.id + " failed: " + cause, FailureClass.MODEL_ERROR,
                        r.attempts, cause);
        fail(r, e);
    }

    private void fail(Request r, InferenceException error) {
        memory.release(r);
        if (r.ended.compareAndSet(false, true)) {
            failed.get(error.failureClass()).incrementAndGet();
            r.result.completeExceptionally(error);
        }
        r.release();
    }

    /** @return the error a future failed with, without the {@link CompletionException} it may be wrapped in */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
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
            w.stop();
            if (orphan != null) {
                runEnded(orphan);
            }
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
        long run = -1;
        boolean queued;
        CompletableFuture<InferenceResult> attempt;
        synchronized (lock) {
            if (r.isDone() || r.members != null && r.attempt.isDone()) {
                return;
            }
            queued = queue.remove(r);
            if (!queued) {
                running = workers.stream().filter(w -> w.current == r).findFirst().orElse(null);
                run = running == null ? -1 : running.runs;
            }
            attempt = r.attempt;
            if (!queued && running == null && r.batch != null) {
                Worker host = workers.stream().filter(w -> w.current == r.batch).findFirst().orElse(null);
                attempt.completeExceptionally(new AttemptFailed(new DeadlineExceededException("request " + r.id
                        + " for " + r.model.id() + " was still running in a batch on worker "
                        + (host == null ? "?" : host.id) + " at its deadline of " + r.options.timeout().toMillis()
                        + " ms", FailureClass.HANG), false));
                return;
            }
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
            long runAtDeadline = run;
            java.util.concurrent.Future<?> check = timers.schedule(() -> {
                boolean stillThere;
                synchronized (lock) {
                    stillThere = w.runs == runAtDeadline && w.current != null;
                }
                if (stillThere) {
                    hung.accept(w);
                }
            }, hangGraceNanos, TimeUnit.NANOSECONDS);
            synchronized (lock) {
                w.hangCheck(check, runAtDeadline);
            }
        }
        // Otherwise the request waits out a retry backoff; the retry finds its deadline passed.
    }

    private String liveWorkersText() {
        synchronized (lock) {
            long starting = workers.stream().filter(w -> w.state == Worker.State.STARTING).count();
            return (workers.size() - starting) + " workers connected, " + starting + " starting";
        }
    }

    /**
     * Matches queued requests with free workers, then starts the matches outside the lock. Requests are taken
     * by priority; among requests of the same priority, models take turns in proportion to their weights (see
     * {@link #nextFair}), so that a burst of one model cannot starve the others; a model at its concurrency
     * limit waits.
     */
    void dispatch() {
        List<Runnable> starts = new ArrayList<>();
        List<Runnable> unsupported = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Request> it = queue.iterator(); it.hasNext();) {
                Request r = it.next();
                if (r.isDone() || r.attempt.isDone()) {
                    it.remove();
                } else if (r.holder != null && workers.stream().noneMatch(w -> w.id.equals(r.holder))) {
                    it.remove();
                    CompletableFuture<InferenceResult> attempt = r.attempt;
                    unsupported.add(() -> failAttempt(attempt, SharedTensors.holderGone(r), false));
                } else if (!anyCouldServe(r)) {
                    it.remove();
                    CompletableFuture<InferenceResult> attempt = r.attempt;
                    String why = unsupportedReasons(r);
                    unsupported.add(() -> failAttempt(attempt, new InferenceFailedException("no worker can run "
                            + r.model.id() + " on " + r.ep + ": " + why, FailureClass.UNSUPPORTED_OPERATOR,
                            r.attempts, null), false));
                }
            }
            Set<String> blocked = new HashSet<>();
            while (workers.stream().anyMatch(w -> w.state == Worker.State.IDLE && !w.draining)) {
                Request r = nextFair(blocked);
                if (r == null) {
                    break;
                }
                List<Request> members = batchFor(r);
                if (members == null) {
                    blocked.add(blockKey(r));
                    continue;
                }
                Worker w = pick(r);
                if (w == null) {
                    blocked.add(blockKey(r));
                    continue;
                }
                queue.removeAll(members);
                Request run = members.size() == 1 ? r : join(members, r.ep);
                w.state = Worker.State.BUSY;
                w.start(run);
                run.attempts++;
                run.running = true;
                running.merge(run.model.name(), 1, Integer::sum);
                for (Request m : members) {
                    started(m.model.name());
                }
                if (run.startedNanos == 0) {
                    run.startedNanos = System.nanoTime();
                }
                CompletableFuture<InferenceResult> attempt = run.attempt;
                starts.add(() -> run(run, w, attempt));
            }
        }
        starts.forEach(Runnable::run);
        unsupported.forEach(Runnable::run);
    }

    /**
     * The requests to run together with {@code r}: queued requests of the same model and provider whose inputs
     * join with its own, up to the model's largest batch. Null when the batch is below its preferred size and
     * its oldest request may still wait for more (a timer dispatches again when that wait ends).
     */
    private List<Request> batchFor(Request r) {
        ModelSettings s = settings;
        String model = r.model.name();
        int max = s.batchMax(model);
        if (max <= 1 || !r.avoidBackends.isEmpty() || !Batches.batchable(r.model) || SharedTensors.shares(r)) {
            return List.of(r);
        }
        List<Request> members = new ArrayList<>(List.of(r));
        long size = Batches.size(r.inputs);
        long now = System.nanoTime();
        long oldest = now - r.submittedNanos;
        for (Request q : queue) {
            if (size >= max) {
                break;
            }
            if (q != r && q.model.id().equals(r.model.id()) && q.ep == r.ep && q.avoidBackends.isEmpty()
                    && !SharedTensors.shares(q)
                    && !q.isDone() && !q.attempt.isDone() && Batches.compatible(r.inputs, q.inputs)
                    && size + Batches.size(q.inputs) <= max) {
                members.add(q);
                size += Batches.size(q.inputs);
                oldest = Math.max(oldest, now - q.submittedNanos);
            }
        }
        long wait = s.batchDelayNanos(model) - oldest;
        if (size < s.batchPreferred(model) && wait > 0) {
            String key = r.model.id();
            if (batchTimers.add(key)) {
                timers.schedule(() -> {
                    synchronized (lock) {
                        batchTimers.remove(key);
                    }
                    dispatch();
                }, wait, TimeUnit.NANOSECONDS);
            }
            return null;
        }
        return members;
    }

    /**
     * Joins requests into one run on the provider placement chose. Its result is split back into the members'
     * attempts; its failure fails each member's attempt with the same class, each retried on its own terms.
     */
    private Request join(List<Request> members, ExecutionProvider ep) {
        long now = System.nanoTime();
        long deadline = members.stream().mapToLong(m -> m.deadlineNanos).min().orElseThrow();
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        members.forEach(m -> inputs.add(m.inputs));
        Request lead = members.get(0);
        Request b = new Request(-lead.id, lead.model, Batches.join(inputs),
                lead.options.withTimeout(Duration.ofNanos(Math.max(1, deadline - now))), now);
        b.ep = ep;
        b.members = List.copyOf(members);
        List<CompletableFuture<InferenceResult>> attempts = new ArrayList<>();
        for (Request m : members) {
            m.ep = ep;
            m.batch = b;
            m.attempts++;
            if (m.startedNanos == 0) {
                m.startedNanos = now;
            }
            attempts.add(m.attempt);
        }
        b.memberAttempts = attempts;
        b.attempt = new CompletableFuture<>();
        b.attempt.whenComplete((result, error) -> fanOut(b, result, error));
        b.deadlineTimer = timers.schedule(() -> expire(b), Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
        LOG.log(Level.DEBUG, "joined " + members.size() + " requests of " + lead.model.id() + " into a batch of "
                + Batches.size(b.inputs));
        return b;
    }

    /** Hands a joined run's outcome to its members. */
    private void fanOut(Request b, InferenceResult result, Throwable error) {
        b.release();
        long now = System.nanoTime();
        if (result != null) {
            List<Map<String, Tensor>> parts;
            try {
                parts = Batches.split(result.outputs(), b.members.stream().map(m -> Batches.size(m.inputs)).toList());
            } catch (IllegalStateException e) {
                fanOut(b, null, new AttemptFailed(new InferenceFailedException("model " + b.model.id()
                        + " cannot be batched: " + e.getMessage(), FailureClass.MODEL_ERROR, 1, e), false));
                return;
            }
            Timings t = result.timings();
            for (int i = 0; i < b.members.size(); i++) {
                Request m = b.members.get(i);
                synchronized (lock) {
                    m.batch = null;
                }
                Timings own = new Timings((b.startedNanos - m.submittedNanos) / 1e6, t.loadMs(), t.transferMs(),
                        t.computeMs(), m.msSinceSubmit(now));
                b.memberAttempts.get(i).complete(new InferenceResult(m.model.id(), parts.get(i), own, result.worker(),
                        result.backend(), result.executionProvider()));
            }
            return;
        }
        Throwable cause = unwrap(error);
        InferenceException e = cause instanceof AttemptFailed f ? f.error
                : new InferenceFailedException(String.valueOf(cause), FailureClass.MODEL_ERROR, 1, cause);
        boolean batchRetry = cause instanceof AttemptFailed f && f.retry;
        FailureClass c = e.failureClass();
        for (int i = 0; i < b.members.size(); i++) {
            Request m = b.members.get(i);
            synchronized (lock) {
                m.batch = null;
                if (b.fellBack) {
                    m.ep = ExecutionProvider.WASM;
                    m.fellBack = true;
                }
                m.avoidBackends.addAll(b.avoidBackends);
            }
            // A batch that reached its deadline took only its earliest member's time: the others retry.
            boolean retry = mayRetry(m, c) && (batchRetry || c == FailureClass.HANG);
            failAttempt(b.memberAttempts.get(i), new InferenceFailedException("request " + m.id + " ran in a batch of "
                    + b.members.size() + ": " + e.getMessage(), c, m.attempts, e), retry);
        }
    }

    /** Requests that found no worker in this dispatch round are skipped by this key until the next one. */
    private static String blockKey(Request r) {
        return r.avoidBackends.isEmpty() ? r.model.id() + "@" + r.ep : "#" + r.id;
    }

    /**
     * The next request to place: the highest priority waiting; within it, the model whose next start tag is
     * the smallest (start-time fair queuing: each start of a model advances its tag by 1 / weight, and a model
     * that was idle starts from the system's current tag), its oldest request first. Models at their
     * concurrency limit and blocked keys are passed over.
     */
    private Request nextFair(Set<String> blocked) {
        ModelSettings s = settings;
        Request best = null;
        double bestTag = Double.MAX_VALUE;
        Set<String> seen = new HashSet<>();
        for (Request r : queue) {
            if (best != null && r.options.priority() < best.options.priority()) {
                break;
            }
            String model = r.model.name();
            if (blocked.contains(blockKey(r)) || running.getOrDefault(model, 0) >= s.concurrency(model)
                    || !seen.add(model + "@" + r.ep)) {
                continue;
            }
            double tag = Math.max(virtualTime, startTags.getOrDefault(model, 0.0));
            if (best == null || tag < bestTag) {
                best = r;
                bestTag = tag;
            }
        }
        return best;
    }

    /** A request of the model starts: its start tag moves on by 1 / weight; the system's tag follows. */
    private void started(String model) {
        double start = Math.max(virtualTime, startTags.getOrDefault(model, 0.0));
        startTags.put(model, start + 1 / settings.weight(model));
        virtualTime = start;
    }

    /** A run of the request ended (result, error or lost worker): it no longer counts against its model. */
    private void runEnded(Request r) {
        if (r.running) {
            r.running = false;
            running.merge(r.model.name(), -1, Integer::sum);
        }
    }

    /** Whether the worker may take this request, breakers aside. */
    private static boolean fits(Worker w, Request r) {
        return !w.draining && w.host.recycling == null && w.supports(r.ep)
                && !r.avoidBackends.contains(w.host.backend.name()) && (r.holder == null || r.holder.equals(w.id));
    }

    /**
     * A free worker that can run the request. With a placement policy installed, the policy ranks every free
     * worker with every provider it could run (or just the requested one) and the best eligible one is taken,
     * setting the request's provider when the caller left it to the pool; without one, a worker that holds the
     * model already is preferred, and the pool's choice of provider is wasm. A worker whose circuit breaker (or
     * whose backend's) is open is never picked; the breaker is asked only about the worker about to be chosen,
     * because asking uses up a half-open trial call.
     */
    private Worker pick(Request r) {
        List<Worker> free = new ArrayList<>();
        for (Worker w : workers) {
            if (w.state == Worker.State.IDLE && fits(w, r) && w.channel.isOpen()) {
                free.add(w);
            }
        }
        if (free.isEmpty()) {
            return null;
        }
        HealthMonitor monitor = health.get();
        PlacementPolicy p = policy.get();
        if (p == null) {
            ExecutionProvider ep = r.ep == ExecutionProvider.AUTO ? ExecutionProvider.WASM : r.ep;
            String key = r.model.id() + "@" + ep.id();
            free.sort(java.util.Comparator.comparing(w -> !w.loaded.contains(key)));
            for (Worker w : free) {
                if (monitor == null || monitor.allows(w.id, w.host.backend.name())) {
                    r.ep = ep;
                    return w;
                }
            }
            return null;
        }
        List<Candidate> candidates = new ArrayList<>();
        Map<String, Worker> byId = new HashMap<>();
        for (Worker w : free) {
            byId.put(w.id, w);
            for (ExecutionProvider ep : ExecutionProvider.values()) {
                if (ep != ExecutionProvider.AUTO && (r.ep == ExecutionProvider.AUTO || r.ep == ep) && w.supports(ep)) {
                    candidates.add(candidate(w, ep, r, monitor));
                }
            }
        }
        for (Score s : p.rank(new PlacementRequest(r.model, r.ep), candidates)) {
            if (!s.eligible()) {
                break;
            }
            Worker w = byId.get(s.candidate().workerId());
            if (w != null && (monitor == null || monitor.allows(w.id, w.host.backend.name()))) {
                r.ep = s.candidate().executionProvider();
                return w;
            }
        }
        return null;
    }

    private static Candidate candidate(Worker w, ExecutionProvider ep, Request r, HealthMonitor monitor) {
        BrowserHost h = w.host;
        int busy = 0;
        for (Worker sibling : h.workers) {
            busy += sibling.state == Worker.State.BUSY ? 1 : 0;
        }
        boolean open = false;
        double score = 100;
        if (monitor != null) {
            open = monitor.workerBreaker(w.id).map(b -> b.phase() == BreakerState.Phase.OPEN).orElse(false)
                    || monitor.backendBreaker(h.backend.name()).map(b -> b.phase() == BreakerState.Phase.OPEN)
                            .orElse(false);
            score = monitor.workerHealth(w.id).map(HealthScore::score).orElse(100);
        }
        return new Candidate(w.id, h.backend.name(), h.backend.description().family(), ep,
                w.loaded.contains(r.model.id() + "@" + ep.id()), busy, h.workers.size(), open, score,
                h.residentBytes);
    }

    /**
     * False only when workers in service exist, none is still starting, and none can run the request. With no
     * worker in service (none yet, or all draining) a request waits: a backend may come or come back.
     */
    private boolean anyCouldServe(Request r) {
        // Whether a worker could ever take it, not whether it can now: a worker of a browser being recycled
        // will be replaced by one of the same kind.
        boolean anyInService = false;
        for (Worker w : workers) {
            if (w.draining) {
                continue;
            }
            anyInService = true;
            if (!r.avoidBackends.contains(w.host.backend.name())
                    && (w.state == Worker.State.STARTING || w.supports(r.ep))) {
                return true;
            }
        }
        return !anyInService;
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
        w.channel.run(r.model, r.ep, r.inputs, List.of(), r.references, r.keep)
                .whenComplete((page, error) -> finished(r, w, attempt, page, error));
    }

    private void finished(Request r, Worker w, CompletableFuture<InferenceResult> attempt, PageResult page,
            Throwable error) {
        long now = System.nanoTime();
        Throwable cause = unwrap(error);
        boolean workerAlive;
        boolean drainedNow = false;
        if (cause == null) {
            w.served.incrementAndGet();
        }
        synchronized (lock) {
            workerAlive = w.state == Worker.State.BUSY && w.current == r;
            if (workerAlive) {
                w.stop();
                runEnded(r);
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
            if (!page.kept().isEmpty()) {
                r.kept = page.kept();
                r.keptOn = w.channel;
            }
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
                    r.fellBack = true;
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
            return workers.stream().map(w -> w.current).filter(java.util.Objects::nonNull)
                    .flatMap(r -> r.members == null ? java.util.stream.Stream.of(r) : r.members.stream()).toList();
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
