package org.webaccel.pool.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.tensors.TensorGoneException;
import org.webaccel.api.transport.ChannelClosedException;
import org.webaccel.api.transport.PageResult;

/**
 * Matches waiting requests with workers that have room, and carries each run's outcome back to its requests.
 * Under the {@link PoolState}'s lock it changes the queue, the workers and the tickets; it never calls a page,
 * completes a future or waits while holding it: runs start, and turns end, after it is released.
 *
 * <p>A request's way: {@link Admission} queues it; a match starts an {@link Attempt}; the attempt's outcome
 * ends the request's turn; {@link Retries} decides whether another turn follows. Its deadline ends it in the
 * queue, or fails its turn while it runs and, if the page does not answer within the hang grace, has the
 * worker replaced. Workers enter and leave service here too, so that a lost worker's runs end with it.
 */
final class Dispatcher {

    /** What the dispatcher tells the part that opens and closes pages. */
    interface WorkerEvents {
        /**
         * Called under the dispatcher's lock; must not block.
         *
         * @return whether the worker should take no more work after a run (its browser reached a limit)
         */
        boolean retireAfterRun(Worker w);

        /** The worker went out of service after its last run: close its page. */
        void outOfService(Worker w);

        /** The worker's run is still going past its request's deadline plus the hang grace. */
        void hung(Worker w, String reason);

        /** A run failed in a way that calls for a fresh browser (out of memory, say). */
        void restartBrowser(Worker w, String why);
    }

    private final PoolState state;
    private final Object lock;
    private final RequestQueue queue;
    private final WorkerSet workers;
    /** Guarded by the lock: models whose batch waits to fill, with a dispatch timer armed. */
    private final Set<String> batchTimers = new HashSet<>();
    /** Guarded by the lock. */
    private long runSeq;
    private final ScheduledExecutorService timers;
    private final WorkerEvents events;
    private volatile long hangGraceNanos;
    private volatile Supplier<HealthMonitor> health = () -> null;
    private volatile Supplier<PlacementPolicy> policy = () -> null;

    /**
     * @param state the queue and the workers, under their lock
     * @param timers the request path's scheduler: deadlines, hang checks and batch waits
     * @param events where workers going out of service, hanging or needing a fresh browser are reported
     */
    Dispatcher(PoolState state, ScheduledExecutorService timers, WorkerEvents events) {
        this.state = state;
        this.lock = state.lock;
        this.queue = state.queue;
        this.workers = state.workers;
        this.timers = timers;
        this.events = events;
    }

    /** How long a run may go on past its request's deadline before its worker counts as hung. */
    void hangGrace(long nanos) {
        this.hangGraceNanos = nanos;
    }

    /** Where placement asks whether a worker's breaker admits a call, and where outcomes are reported. */
    void health(Supplier<HealthMonitor> monitor) {
        this.health = monitor;
    }

    /** Where placement asks which worker and provider serve a request best, when a policy is installed. */
    void policy(Supplier<PlacementPolicy> p) {
        this.policy = p;
    }

    /** @return the error a future failed with, without the {@link CompletionException} it may be wrapped in */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * Matches waiting requests with workers that have room, then starts the runs outside the lock. Requests
     * come in the queue's order ({@link RequestQueue#next}); each may take others along ({@link Batcher});
     * {@link Placement} chooses its worker and provider. Requests no worker can ever run are ended.
     */
    void dispatch() {
        List<Attempt> starts = new ArrayList<>();
        List<Runnable> refusals = new ArrayList<>();
        long now = System.nanoTime();
        HealthMonitor monitor = health.get();
        PlacementPolicy p = policy.get();
        synchronized (lock) {
            sweep(refusals);
            Set<String> blocked = new HashSet<>();
            while (workers.anyWithRoom()) {
                Ticket t = queue.next(blocked);
                if (t == null) {
                    break;
                }
                Batcher.Plan plan = Batcher.plan(t, queue.waiting(), queue.settings(), now);
                if (plan.waits()) {
                    armBatchTimer(t.request.model.id(), plan.waitNanos());
                    blocked.add(t.blockKey());
                    continue;
                }
                Placement.Choice c = Placement.choose(t, workers.withRoomFor(t), monitor, p, state.sessionFailures);
                if (c == null) {
                    blocked.add(t.blockKey());
                    continue;
                }
                starts.add(start(plan.members(), c, now));
            }
        }
        for (Attempt a : starts) {
            a.send().whenComplete((page, error) -> finished(a, page, error));
        }
        refusals.forEach(Runnable::run);
    }

    /** Under the lock: ends waiting requests that are done, whose shared tensors are gone, or no one can run. */
    private void sweep(List<Runnable> refusals) {
        List<Ticket> out = new ArrayList<>();
        for (Ticket t : queue.waiting()) {
            String holder = t.request.shares.holder();
            String unloadable;
            if (t.isDone()) {
                out.add(t);
            } else if (holder != null && !workers.has(holder)) {
                out.add(t);
                CompletableFuture<Ran> turn = t.turn;
                var refs = t.request.shares.references().values();
                refusals.add(() -> turn.completeExceptionally(new TurnFailed(new TensorGoneException(
                        refs.iterator().next(), "shared tensors " + refs + " of request " + t.request.id + " are gone: "
                        + "worker " + holder + " that held them closed; compute them again"))));
            } else if ((unloadable = state.sessionFailures.refusal(t, () -> workers.providersFor(t.route)))
                    != null) {
                out.add(t);
                CompletableFuture<Ran> turn = t.turn;
                int runs = t.runs;
                String why = unloadable;
                // classed as the recorded failures were: an operator a provider lacks stays unsupported_operator
                refusals.add(() -> turn.completeExceptionally(new TurnFailed(new InferenceFailedException(why,
                        FailureClassifier.classify("", why), runs, null))));
            } else if (!workers.anyCouldServe(t)) {
                out.add(t);
                CompletableFuture<Ran> turn = t.turn;
                String why = "no worker can run " + t.request.model.id() + " on " + t.route.ep() + ": "
                        + workers.unsupportedReasons(t);
                int runs = t.runs;
                refusals.add(() -> turn.completeExceptionally(new TurnFailed(new InferenceFailedException(why,
                        FailureClass.UNSUPPORTED_OPERATOR, runs, null))));
            }
        }
        out.forEach(queue::remove);
    }

    /** Under the lock: a batch below its preferred size waits; one timer per model dispatches again. */
    private void armBatchTimer(String model, long waitNanos) {
        if (batchTimers.add(model)) {
            timers.schedule(() -> {
                synchronized (lock) {
                    batchTimers.remove(model);
                }
                dispatch();
            }, waitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Under the lock: the members leave the queue and run on the chosen worker. */
    private Attempt start(List<Ticket> members, Placement.Choice c, long now) {
        Attempt a = new Attempt(++runSeq, c.worker(), members, c.ep(), now);
        queue.started(members);
        c.worker().take(a);
        for (Ticket m : members) {
            m.attempt = a;
            m.runs++;
            if (m.firstStartNanos == 0) {
                m.firstStartNanos = now;
            }
        }
        return a;
    }

    /** A run ended: its worker takes more work or goes out of service, and each of its requests' turns ends. */
    private void finished(Attempt a, PageResult page, Throwable error) {
        long now = System.nanoTime();
        Throwable cause = unwrap(error);
        Worker w = a.worker;
        if (cause instanceof ChannelClosedException && !w.channel.isOpen()) {
            // The channel's close listener reports the loss, with the class its cause deserves.
            return;
        }
        List<InferenceResult> results = null;
        if (cause == null) {
            try {
                results = a.results(page, now);
            } catch (IllegalStateException e) {
                cause = new IllegalStateException("model " + a.lead().model.id() + " cannot be batched: "
                        + e.getMessage(), e);
            }
        }
        FailureClass c = cause == null ? null
                : results == null && page != null ? FailureClass.MODEL_ERROR : Attempt.classify(cause);
        if (SessionFailures.isSessionFailure(cause, c)) {
            // Before the turns end, so that the retry decision and the next placement know it.
            state.sessionFailures.record(a.lead().model.id(), w.host.backend, a.ep, cause.getMessage());
        }
        boolean outOfService;
        synchronized (lock) {
            if (!w.runs(a)) {
                return; // the worker was lost meanwhile: its loss ended this run's turns
            }
            release(a);
            outOfService = w.finish(a, now, events.retireAfterRun(w));
            if (outOfService) {
                workers.remove(w);
            }
        }
        report(w, a, c, page, cause == null ? null
                : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
        if (results != null) {
            w.served.incrementAndGet();
            w.loaded.add(Worker.sessionKey(a.lead(), a.ep));
            for (int i = 0; i < results.size(); i++) {
                a.turns.get(i).complete(new Ran(results.get(i), page.kept(), a.lead().shares.any() ? w.channel : null,
                        w.host.residentBytes));
            }
        } else {
            for (int i = 0; i < a.tickets.size(); i++) {
                a.turns.get(i).completeExceptionally(new TurnFailed(a.error(a.tickets.get(i), cause, c),
                        w.host.backend, a.ep));
            }
            if (Recovery.plan(c).action() == Recovery.Action.RESTART_BROWSER) {
                events.restartBrowser(w, c.id() + " in worker " + w.id + ": " + cause.getMessage());
            }
        }
        if (outOfService) {
            events.outOfService(w);
        }
        dispatch();
    }

    /** Under the lock: the run no longer counts against its model, its hang check and its requests. */
    private void release(Attempt a) {
        if (a.hangCheck != null) {
            a.hangCheck.cancel(false);
            a.hangCheck = null;
        }
        queue.runEnded(a.lead().model.name());
        for (Ticket t : a.tickets) {
            if (t.attempt == a) {
                t.attempt = null;
            }
        }
    }

    /** Tells the health monitor how a run went: a success with its latency, or a failure's class and detail. */
    private void report(Worker w, Attempt a, FailureClass c, PageResult page, String detail) {
        HealthMonitor monitor = health.get();
        if (monitor == null) {
            return;
        }
        if (c == null) {
            monitor.recordSuccess(w.id, w.host.backend, Worker.sessionKey(a.lead(), a.ep),
                    Duration.ofNanos((long) (page.roundTripMs() * 1e6)));
        } else {
            monitor.recordFailure(w.id, w.host.backend, c, detail);
        }
    }

    /** The request reached its deadline: it ends in the queue; a running one fails now and is watched. */
    void expire(Ticket t) {
        PoolRequest r = t.request;
        CompletableFuture<Ran> turn;
        InferenceException error = null;
        synchronized (lock) {
            if (t.isDone()) {
                return;
            }
            turn = t.turn;
            Attempt running = t.attempt;
            long ms = r.options.timeout().toMillis();
            if (queue.remove(t)) {
                error = new DeadlineExceededException(r + " waited " + Math.round(r.msSinceSubmit(System.nanoTime()))
                        + " ms without a free worker that can run " + t.route.ep() + " (timeout " + ms + " ms); "
                        + workers.describe() + "; it was never run" + (t.runs > 0 ? " again after " + t.runs
                        + " attempts" : ""));
            } else if (running != null) {
                error = running.expired(r, ms);
                if (running.hangCheck == null) {
                    running.hangCheck = timers.schedule(() -> hangCheck(running), hangGraceNanos,
                            TimeUnit.NANOSECONDS);
                }
            }
            // Otherwise it waits out a retry backoff; the retry finds its deadline passed.
        }
        if (error != null) {
            turn.completeExceptionally(new TurnFailed(error));
        }
    }

    private void hangCheck(Attempt a) {
        boolean stillRunning;
        synchronized (lock) {
            stillRunning = a.worker.runs(a);
        }
        if (stillRunning) {
            events.hung(a.worker, "worker hung: no answer " + TimeUnit.NANOSECONDS.toSeconds(hangGraceNanos)
                    + " s past its request's deadline");
        }
    }

    void workerOpened(Worker w) {
        synchronized (lock) {
            workers.add(w);
        }
    }

    void workerReady(Worker w) {
        synchronized (lock) {
            if (!w.ready(System.nanoTime())) {
                return;
            }
        }
        dispatch();
    }

    /** A spare page enters service. @return true when it was a spare */
    boolean promote(Worker w) {
        synchronized (lock) {
            if (!w.promote()) {
                return false;
            }
        }
        dispatch();
        return true;
    }

    /** @return true when the worker went out of service now and the caller must close it */
    boolean drain(Worker w) {
        synchronized (lock) {
            boolean out = w.drain();
            if (out) {
                workers.remove(w);
            }
            return out;
        }
    }

    /** @return true when the worker had been idle since before {@code idleBeforeNanos} and went out of service */
    boolean reapIfIdle(Worker w, long idleBeforeNanos) {
        synchronized (lock) {
            boolean out = w.reapIfIdle(idleBeforeNanos);
            if (out) {
                workers.remove(w);
            }
            return out;
        }
    }

    /** The worker is gone: its runs fail with the class of the loss; their requests may run again elsewhere. */
    void workerLost(Worker w, FailureClass c, String reason) {
        List<Attempt> lost;
        synchronized (lock) {
            lost = w.lose();
            workers.remove(w);
            lost.forEach(this::release);
        }
        for (int n = 0; n < lost.size(); n++) {
            Attempt a = lost.get(n);
            // A page runs its attempts in order: behind a hung run, the others were only held, never started.
            FailureClass cls = c == FailureClass.HANG && n > 0 ? FailureClass.CONNECTION_LOST : c;
            String why = cls == c ? reason : "held behind a hung run: " + reason;
            report(w, a, cls, null, why);
            for (int i = 0; i < a.tickets.size(); i++) {
                a.turns.get(i).completeExceptionally(new TurnFailed(a.lost(a.tickets.get(i), cls, why),
                        w.host.backend, a.ep));
            }
        }
        dispatch();
    }

    /** @return how long the oldest queued request has waited, in nanoseconds; 0 when none waits */
    long oldestWaitNanos(long now) {
        synchronized (lock) {
            return queue.oldestWaitNanos(now);
        }
    }
}
