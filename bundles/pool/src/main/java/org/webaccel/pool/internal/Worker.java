package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.transport.WorkerChannel;

/**
 * A page in a browser, connected over the bridge. Its state machine:
 *
 * <pre>
 *  STARTING --ready--> READY --lose/drain/reap--> CLOSED
 *      \____________________drain/lose_____________/
 * </pre>
 *
 * A READY worker runs up to {@code depth} attempts at once (the page works through them in order); it is idle
 * when it runs none. A draining worker takes no new attempt and closes once its last one ends. State changes
 * only through these methods, under the dispatcher's lock.
 */
final class Worker {
    private enum State { STARTING, READY, CLOSED }

    final String id;
    final BrowserHost host;
    /** Sessions the page has created, as {@code name:version@ep}. */
    final Set<String> loaded = ConcurrentHashMap.newKeySet();
    /** Requests it completed. */
    final AtomicLong served = new AtomicLong();
    volatile BrowserPage page;
    volatile WorkerChannel channel;

    /** A spare takes no work until it is promoted (a worker of its backend was lost). */
    private volatile boolean spare;
    private State state = State.STARTING;
    private final List<Attempt> running = new ArrayList<>(2);
    private final int depth;
    private boolean draining;
    private long idleSinceNanos;

    Worker(String id, BrowserHost host, int depth) {
        this.id = id;
        this.host = host;
        this.depth = Math.max(1, depth);
    }

    /** The page connected: it may take work. @return false when it was closed meanwhile */
    boolean ready(long now) {
        if (state != State.STARTING) {
            return false;
        }
        state = State.READY;
        idleSinceNanos = now;
        return true;
    }

    /** Opens as a spare page: warm, connected, but given no work until {@link #promote()}. */
    void markSpare() {
        spare = true;
    }

    boolean isSpare() {
        return spare;
    }

    /** @return true when it was a spare and now takes work */
    boolean promote() {
        if (!spare || state == State.CLOSED || draining) {
            return false;
        }
        spare = false;
        return true;
    }

    /** @return whether it can take another attempt now */
    boolean hasRoom() {
        return state == State.READY && !spare && !draining && running.size() < depth && host.recycling == null
                && channel != null && channel.isOpen();
    }

    boolean isIdle() {
        return state == State.READY && !spare && running.isEmpty();
    }

    boolean isBusy() {
        return state == State.READY && !running.isEmpty();
    }

    boolean isStarting() {
        return state == State.STARTING;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    boolean isDraining() {
        return draining;
    }

    /** @return the attempts it runs now, oldest first */
    List<Attempt> running() {
        return running;
    }

    void take(Attempt a) {
        running.add(a);
    }

    /**
     * An attempt ended on it.
     *
     * @param retire whether the worker should take no more work (its browser reached a limit)
     * @return true when the worker went out of service now and its page must be closed
     */
    boolean finish(Attempt a, long now, boolean retire) {
        if (!running.remove(a) || state != State.READY) {
            return false;
        }
        if (retire) {
            draining = true;
        }
        if (running.isEmpty()) {
            idleSinceNanos = now;
            if (draining) {
                state = State.CLOSED;
                return true;
            }
        }
        return false;
    }

    /** @return whether the attempt still runs on it */
    boolean runs(Attempt a) {
        return running.contains(a);
    }

    /**
     * The page is gone.
     *
     * @return the attempts it was running, which failed with it; empty when it was closed already
     */
    List<Attempt> lose() {
        if (state == State.CLOSED) {
            return List.of();
        }
        state = State.CLOSED;
        List<Attempt> lost = List.copyOf(running);
        running.clear();
        return lost;
    }

    /**
     * Takes no new work. An idle or starting worker goes out of service at once; a busy one when its last
     * attempt ends ({@link #finish} then says so).
     *
     * @return true when it went out of service now and its page must be closed
     */
    boolean drain() {
        if (state == State.CLOSED) {
            return false;
        }
        draining = true;
        if (state == State.READY && !running.isEmpty()) {
            return false;
        }
        state = State.CLOSED;
        return true;
    }

    /** @return true when it was idle since before {@code idleBeforeNanos} and went out of service now */
    boolean reapIfIdle(long idleBeforeNanos) {
        if (state != State.READY || spare || draining || !running.isEmpty() || idleSinceNanos - idleBeforeNanos > 0) {
            return false;
        }
        draining = true;
        state = State.CLOSED;
        return true;
    }

    boolean supports(ExecutionProvider ep) {
        WorkerChannel c = channel;
        return c != null && c.capabilities() != null && c.capabilities().supports(ep);
    }

    /** @return {@code starting}, {@code spare}, {@code idle}, {@code busy} or {@code closed} */
    String stateName() {
        return switch (state) {
            case STARTING -> "starting";
            case READY -> spare ? "spare" : running.isEmpty() ? "idle" : "busy";
            case CLOSED -> "closed";
        };
    }

    WorkerInfo info() {
        WorkerChannel c = channel;
        return new WorkerInfo(id, host.backend, host.id, stateName(), c == null ? null : c.capabilities(),
                List.copyOf(loaded), served.get(), host.pid(), host.residentBytes);
    }

    static String sessionKey(PoolRequest r, ExecutionProvider ep) {
        return r.model.id() + "@" + ep.id();
    }

    @Override
    public String toString() {
        return id;
    }
}
