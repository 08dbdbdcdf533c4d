package org.webaccel.backend.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A value found by a slow probe (running {@code chromium --version}, launching a browser, asking a Grid),
 * probed once and then kept, without a lock held across the probe: callers that come while it runs wait for
 * its answer, and none of them blocks anyone else's unrelated work.
 *
 * @param <T> the value
 */
public final class Probed<T> {

    /** One probe: its answer once it has one, and when it started. */
    private record Attempt<T>(CompletableFuture<T> answer, long startedNanos) {
    }

    private final Supplier<T> probe;
    private final Predicate<T> keep;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final AtomicReference<Attempt<T>> current = new AtomicReference<>();

    private Probed(Supplier<T> probe, Predicate<T> keep, Duration maxAge, LongSupplier clock) {
        this.probe = probe;
        this.keep = keep;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
    }

    /**
     * @param probe finds the value; a probe that throws is not kept, the next call probes again
     * @return a value probed once and kept for good
     */
    public static <T> Probed<T> once(Supplier<T> probe) {
        return new Probed<>(probe, v -> true, Duration.ofNanos(Long.MAX_VALUE), System::nanoTime);
    }

    /**
     * @param probe finds the value
     * @param keep whether an answer is kept; one that is not is returned to its callers, and the next call
     *        probes again (an answer cut short by an interrupt says nothing, say)
     * @param maxAge how long an answer is kept; the first call after that probes again
     * @param clock nanoseconds, as {@link System#nanoTime()}
     * @return a value probed again when it is older than {@code maxAge}
     */
    public static <T> Probed<T> kept(Supplier<T> probe, Predicate<T> keep, Duration maxAge, LongSupplier clock) {
        return new Probed<>(probe, keep, maxAge, clock);
    }

    /**
     * @return the kept answer, the answer of the probe running now, or the answer of a new probe run by this
     *         caller
     * @throws RuntimeException what the probe threw
     */
    public T get() {
        while (true) {
            Attempt<T> seen = current.get();
            long now = clock.getAsLong();
            if (seen != null && (!seen.answer().isDone() || now - seen.startedNanos() < maxAgeNanos)) {
                return await(seen);
            }
            Attempt<T> mine = new Attempt<>(new CompletableFuture<>(), now);
            if (current.compareAndSet(seen, mine)) {
                return run(mine);
            }
        }
    }

    private T run(Attempt<T> mine) {
        T value;
        try {
            value = probe.get();
        } catch (RuntimeException | Error e) {
            current.compareAndSet(mine, null);
            mine.answer().completeExceptionally(e);
            throw e;
        }
        if (!keep.test(value)) {
            current.compareAndSet(mine, null);
        }
        mine.answer().complete(value);
        return value;
    }

    private static <T> T await(Attempt<T> attempt) {
        try {
            return attempt.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Forgets the kept answer: the next call probes again. */
    public void forget() {
        Attempt<T> seen = current.get();
        if (seen != null && seen.answer().isDone()) {
            current.compareAndSet(seen, null);
        }
    }
}
