package org.webaccel.pool.internal;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.RequestMemory;

/**
 * The pool's {@link RequestMemory}: the input bytes of accepted requests that have not ended, plus what callers
 * hold for delivered results. A request is admitted only while it fits in the budget with everything already
 * held; its bytes are given back when it ends.
 */
final class RequestBytes implements RequestMemory {
    private static final double MIB = 1024.0 * 1024.0;

    private final AtomicLong held = new AtomicLong();
    private volatile long budget;

    RequestBytes(long budgetBytes) {
        this.budget = budgetBytes;
    }

    void budget(long bytes) {
        this.budget = bytes;
    }

    @Override
    public long budgetBytes() {
        return budget;
    }

    @Override
    public long heldBytes() {
        return held.get();
    }

    /**
     * Counts the request's inputs if they fit.
     *
     * @return null when admitted, else why not (the message of the rejection)
     */
    String admit(Ticket t) {
        long bytes = t.request.inputBytes;
        long limit = budget;
        while (true) {
            long now = held.get();
            if (now + bytes > limit && bytes > 0) {
                return String.format(Locale.ROOT, "request memory full: requests in flight hold %.1f MiB of inputs "
                        + "and undelivered results, and this one brings %.1f MiB (budget %.0f MiB, "
                        + "requestMemoryMegabytes of org.webaccel.pool); retry later", now / MIB, bytes / MIB,
                        limit / MIB);
            }
            if (held.compareAndSet(now, now + bytes)) {
                t.heldBytes.set(bytes);
                return null;
            }
        }
    }

    /** Gives back what the request holds; a second call gives back nothing. */
    void release(Ticket t) {
        long bytes = t.heldBytes.getAndSet(0);
        if (bytes != 0) {
            held.addAndGet(-bytes);
        }
    }

    @Override
    public Hold hold(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a hold of " + bytes + " bytes");
        }
        held.addAndGet(bytes);
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                held.addAndGet(-bytes);
            }
        };
    }
}
