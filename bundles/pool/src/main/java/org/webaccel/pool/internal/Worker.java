package org.webaccel.pool.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.transport.WorkerChannel;

/** A page in a browser, connected over the bridge: the unit that runs one request at a time. */
final class Worker {
    enum State { STARTING, IDLE, BUSY, CLOSED }

    final String id;
    final BrowserHost host;
    final Set<String> loaded = ConcurrentHashMap.newKeySet();
    final AtomicLong served = new AtomicLong();
    volatile BrowserPage page;
    volatile WorkerChannel channel;
    /** Guarded by the dispatcher's lock. */
    State state = State.STARTING;
    /** Guarded by the dispatcher's lock: the request it runs, when busy. */
    Request current;
    /** Guarded by the dispatcher's lock: runs started on it, so that a hang check knows its run. */
    long runs;
    /** Guarded by the dispatcher's lock: the hang check of the current run, armed at its deadline. */
    private java.util.concurrent.Future<?> hangCheck;
    /** Written under the dispatcher's lock: takes no new request, closes when its current one ends. */
    volatile boolean draining;
    /** Guarded by the dispatcher's lock: when it last became idle. */
    long idleSinceNanos;

    Worker(String id, BrowserHost host) {
        this.id = id;
        this.host = host;
    }

    /** Called under the dispatcher's lock: the worker runs {@code r} now. */
    void start(Request r) {
        current = r;
        runs++;
    }

    /** Called under the dispatcher's lock: the current run ended; its hang check, if armed, is cancelled. */
    void stop() {
        current = null;
        if (hangCheck != null) {
            hangCheck.cancel(false);
            hangCheck = null;
        }
    }

    /** Called under the dispatcher's lock: a hang check watches run number {@code run}, if it still runs. */
    void hangCheck(java.util.concurrent.Future<?> check, long run) {
        if (current == null || runs != run) {
            check.cancel(false);
        } else {
            hangCheck = check;
        }
    }

    static String sessionKey(Request r) {
        return r.model.id() + "@" + r.ep.id();
    }

    boolean supports(ExecutionProvider ep) {
        WorkerChannel c = channel;
        return c != null && c.capabilities() != null && c.capabilities().supports(ep);
    }

    WorkerInfo info(String state) {
        WorkerChannel c = channel;
        return new WorkerInfo(id, host.backend.name(), host.id, state, c == null ? null : c.capabilities(),
                List.copyOf(loaded), served.get(),
                host.browser.pid().orElse(-1));
    }
}
