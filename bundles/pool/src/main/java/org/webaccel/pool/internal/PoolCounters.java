package org.webaccel.pool.internal;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.health.FailureClass;

/**
 * The pool's request counters. Every accepted request is submitted and then either succeeded or failed (by
 * class) once; a refused one is rejected. Each counter moves before the caller can see the event it counts.
 */
final class PoolCounters {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final Map<FailureClass, AtomicLong> failed = new EnumMap<>(FailureClass.class);
    /** Guarded by itself: when recent rejections happened, at most a minute back. */
    private final ArrayDeque<Long> recentRejections = new ArrayDeque<>();

    PoolCounters() {
        for (FailureClass c : FailureClass.values()) {
            failed.put(c, new AtomicLong());
        }
    }

    void submitted() {
        submitted.incrementAndGet();
    }

    void succeeded() {
        succeeded.incrementAndGet();
    }

    void failed(FailureClass c) {
        failed.get(c).incrementAndGet();
    }

    void retried() {
        retried.incrementAndGet();
    }

    void rejected() {
        rejected.incrementAndGet();
        long now = System.nanoTime();
        synchronized (recentRejections) {
            recentRejections.addLast(now);
            trim(now);
        }
    }

    private void trim(long now) {
        while (!recentRejections.isEmpty()
                && (now - recentRejections.peekFirst() > MINUTE || recentRejections.size() > 100_000)) {
            recentRejections.removeFirst();
        }
    }

    /** @return requests refused at submission in the last 60 seconds */
    long rejectedLastMinute() {
        synchronized (recentRejections) {
            trim(System.nanoTime());
            return recentRejections.size();
        }
    }

    /** @return the status, with the worker and queue figures the caller read under the dispatcher's lock */
    PoolStatus status(int idle, int busy, int starting, int queued, int capacity) {
        Map<FailureClass, Long> byClass = new EnumMap<>(FailureClass.class);
        failed.forEach((c, n) -> byClass.put(c, n.get()));
        long ko = byClass.values().stream().mapToLong(Long::longValue).sum();
        long ok = succeeded.get();
        long s = submitted.get();
        return new PoolStatus(idle + busy, idle, busy, starting, queued, s - ok - ko, s, ok, ko, rejected.get(),
                capacity, retried.get(), byClass);
    }
}
