package org.webaccel.pool.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.WorkerInfo;

/**
 * What the request path shares: the queue and the workers, under one lock. {@link Admission} brings
 * requests in and ends them; {@link Dispatcher} matches them with workers and carries runs' outcomes back.
 * Neither calls a page, completes a future or waits while holding the lock.
 */
final class PoolState implements Retries.Pool {
    final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    final RequestQueue queue = new RequestQueue();
    /** Guarded by {@link #lock}. */
    final WorkerSet workers = new WorkerSet();
    final PoolCounters counters = new PoolCounters();
    /** The providers models cannot be loaded on; thread-safe on its own. */
    final SessionFailures sessionFailures = new SessionFailures();
    /** Written under {@link #lock}: the pool takes no new request. */
    volatile boolean stopping;
    /** The queue's bound. */
    volatile int capacity;

    @Override
    public boolean stopping() {
        return stopping;
    }

    @Override
    public boolean anotherBackendServes(Route route) {
        synchronized (lock) {
            return workers.anyOutside(route);
        }
    }

    @Override
    public boolean loadable(String model, ExecutionProvider ep, Route route) {
        Map<ExecutionProvider, Set<String>> offered;
        synchronized (lock) {
            offered = workers.providersFor(route);
        }
        return offered == null || sessionFailures.loadable(model, ep, offered);
    }

    @Override
    public boolean anotherProviderLoads(String model, Route route) {
        Map<ExecutionProvider, Set<String>> offered;
        synchronized (lock) {
            offered = workers.providersFor(route);
        }
        return offered == null || !sessionFailures.loadableOf(model, offered).isEmpty();
    }

    PoolStatus status() {
        synchronized (lock) {
            int idle = 0;
            int busy = 0;
            int starting = 0;
            for (Worker w : workers.all()) {
                idle += w.isIdle() ? 1 : 0;
                busy += w.isBusy() ? 1 : 0;
                starting += w.isStarting() ? 1 : 0;
            }
            return counters.status(idle, busy, starting, queue.size(), capacity);
        }
    }

    List<WorkerInfo> workerInfos() {
        synchronized (lock) {
            return workers.all().stream().map(Worker::info).toList();
        }
    }

    /** @return how long the oldest queued request has waited, in nanoseconds; 0 when none waits */
    long oldestWaitNanos(long now) {
        synchronized (lock) {
            return queue.oldestWaitNanos(now);
        }
    }
}
