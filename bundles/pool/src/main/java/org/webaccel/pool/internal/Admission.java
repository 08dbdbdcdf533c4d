package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.RejectedException;
import org.webaccel.api.health.FailureClass;

/**
 * Requests in and out: admits a request (request memory, then the queue) or refuses it at once, runs its turns
 * through {@link Retries}, and ends it exactly once with its run or the error of its last turn, counting it
 * before the caller can see it. When the request ends, its deadline timer is cancelled and its bytes given
 * back, so that nothing of the pool holds it.
 */
final class Admission {
    private final PoolState state;
    private final Dispatcher dispatcher;
    private final ScheduledExecutorService timers;
    private final RequestBytes memory;
    private final Retries retries;
    private final Set<Ticket> live = ConcurrentHashMap.newKeySet();

    Admission(PoolState state, Dispatcher dispatcher, ScheduledExecutorService timers, RequestBytes memory) {
        this.state = state;
        this.dispatcher = dispatcher;
        this.timers = timers;
        this.memory = memory;
        this.retries = new Retries(timers, state, state.counters, 1);
    }

    /** Takes new limits; requests already queued stay queued even if the new capacity is smaller. */
    void limits(int capacity, int maxAttempts, ModelSettings settings) {
        state.capacity = capacity;
        retries.maxAttempts(maxAttempts);
        synchronized (state.lock) {
            state.queue.settings(settings);
        }
    }

    /**
     * Accepts a request or refuses it at once.
     *
     * @return completes when the request ends: with its run, or with an {@link InferenceException}; already
     *         failed with {@link RejectedException} when refused
     */
    CompletableFuture<Ran> submit(PoolRequest r) {
        Ticket t = new Ticket(r);
        String refused = memory.admit(t);
        if (refused == null) {
            synchronized (state.lock) {
                refused = state.stopping ? "the pool is stopping" : state.queue.admit(t, state.capacity);
                if (refused == null) {
                    t.turn = new CompletableFuture<>();
                    state.counters.submitted();
                    live.add(t);
                }
            }
            if (refused != null) {
                memory.release(t);
            }
        }
        if (refused != null) {
            state.counters.rejected();
            return CompletableFuture.failedFuture(new RejectedException(refused));
        }
        CompletableFuture<Ran> first = t.turn;
        t.deadline = timers.schedule(() -> dispatcher.expire(t), Math.max(0, r.deadlineNanos - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        if (t.isDone()) {
            // it ended before its timer existed: nothing else would cancel it
            t.deadline.cancel(false);
        }
        retries.run(t, n -> n == 1 ? first : again(t)).whenComplete((ran, error) -> end(t, ran, error));
        dispatcher.dispatch();
        return t.result;
    }

    /** Counts a request refused before it reached the queue (unknown model, invalid input). */
    void countRejected() {
        state.counters.rejected();
    }

    /** Queues the request for another turn, unless the pool stops or its time ran out meanwhile. */
    private CompletableFuture<Ran> again(Ticket t) {
        CompletableFuture<Ran> turn = new CompletableFuture<>();
        PoolRequest r = t.request;
        synchronized (state.lock) {
            if (state.stopping) {
                return CompletableFuture.failedFuture(new TurnFailed(new InferenceFailedException("the pool stopped "
                        + "before request " + r.id + " could be retried", FailureClass.SHUTDOWN, t.runs, null)));
            }
            if (System.nanoTime() - r.deadlineNanos >= 0) {
                return CompletableFuture.failedFuture(new TurnFailed(new DeadlineExceededException(r + " reached its "
                        + "deadline of " + r.options.timeout().toMillis() + " ms while waiting to be retried after "
                        + t.runs + " attempts")));
            }
            t.route = t.route.nextRun(r.options.executionProvider());
            t.turn = turn;
            state.queue.requeue(t);
        }
        dispatcher.dispatch();
        return turn;
    }

    /** The request's last turn ended: end the request with its run or error, exactly once. */
    private void end(Ticket t, Ran ran, Throwable error) {
        live.remove(t);
        memory.release(t);
        if (!t.ended.compareAndSet(false, true)) {
            return;
        }
        Future<?> deadline = t.deadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (ran != null) {
            // Counted before the caller can see it, so that a caller reading the status next finds it counted.
            state.counters.succeeded();
            t.result.complete(ran);
            return;
        }
        Throwable cause = Dispatcher.unwrap(error);
        InferenceException e = cause instanceof TurnFailed f ? f.error
                : cause instanceof InferenceException ie ? ie
                : new InferenceFailedException(t + " failed: " + cause, FailureClass.MODEL_ERROR, t.runs, cause);
        state.counters.failed(e.failureClass());
        t.result.completeExceptionally(e);
    }

    /**
     * Refuses new requests and ends the queued ones; running ones may still finish.
     *
     * @return how the running requests end
     */
    List<CompletableFuture<Ran>> stop() {
        List<Ticket> queued;
        List<CompletableFuture<Ran>> running = new ArrayList<>();
        synchronized (state.lock) {
            state.stopping = true;
            queued = state.queue.clear();
            for (Worker w : state.workers.all()) {
                w.running().forEach(a -> a.tickets.forEach(t -> running.add(t.result)));
            }
        }
        for (Ticket t : queued) {
            t.turn.completeExceptionally(new TurnFailed(new InferenceFailedException("the pool stopped before "
                    + "request " + t.request.id + " could run", FailureClass.SHUTDOWN, t.runs, null)));
        }
        return running;
    }

    /** Ends every request that has not ended yet (running, or waiting for a retry) with a shutdown error. */
    void abandon(String why) {
        for (Ticket t : List.copyOf(live)) {
            end(t, null, new TurnFailed(new InferenceFailedException(why + " before request " + t.request.id
                    + " ended", FailureClass.SHUTDOWN, t.runs, null)));
        }
    }
}
