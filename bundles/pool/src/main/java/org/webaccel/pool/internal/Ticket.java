package org.webaccel.pool.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One accepted request on its way through the pool: queued, run (perhaps more than once), ended exactly once.
 * Fields without a note are guarded by the dispatcher's lock.
 */
final class Ticket {
    final PoolRequest request;
    /** Completes once, when the request ends; the caller's stage is a copy of it. */
    final CompletableFuture<Ran> result = new CompletableFuture<>();
    /** Set by whoever ends the request, before {@link #result} completes, so that counters never lag it. */
    final AtomicBoolean ended = new AtomicBoolean();
    /** The bytes it holds of the pool's request memory, from admission until it ends. */
    final AtomicLong heldBytes = new AtomicLong();
    /** Where its next run may go; changed between runs only (by {@link Retries}), read when it is placed. */
    volatile Route route;
    /** Its current turn: completed by the run that takes it, or by its expiry; a retry is a new turn. */
    CompletableFuture<Ran> turn;
    /** The run that has it now, or null. */
    Attempt attempt;
    /** Whether it waits in the queue now. */
    boolean queued;
    /** Runs started so far. */
    int runs;
    /** When its first run started, or 0. */
    long firstStartNanos;
    /** Its deadline timer: cancelled, and so let go, when it ends first. Written before anyone else sees it. */
    volatile Future<?> deadline;

    Ticket(PoolRequest request) {
        this.request = request;
        this.route = Route.of(request.options);
    }

    boolean isDone() {
        return ended.get();
    }

    /** @return the key under which a request that found no worker is passed over for the rest of a round */
    String blockKey() {
        Route r = route;
        if (!r.avoid().isEmpty()) {
            return "#" + request.id;
        }
        return request.model.id() + "@" + r.ep() + (r.backend() == null ? "" : "@" + r.backend());
    }

    @Override
    public String toString() {
        return request.toString();
    }
}
