package org.webaccel.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for something a test expects to happen.
 *
 * <p>The limit is patience, not a figure under test: it only keeps a test from hanging when the thing never
 * happens, so it is generous and the same everywhere. How long things take is measured by the benchmarks in
 * harness/, never asserted by a test. A machine that is slower still can raise it with the system property
 * {@code webaccel.test.patienceSeconds}.
 */
public final class Await {

    /** How long a test waits for an expected event before it calls the event lost. */
    public static final Duration PATIENCE = Duration.ofSeconds(Long.getLong("webaccel.test.patienceSeconds", 180));

    private static final long POLL_MILLIS = 25;

    /** A condition that may throw; an exception fails the wait at once. */
    @FunctionalInterface
    public interface Condition {
        /** @return whether it holds now */
        boolean holds() throws Exception;
    }

    /** A value read again and again; an exception fails the wait at once. */
    @FunctionalInterface
    public interface Probe<T> {
        /** @return the value now */
        T read() throws Exception;
    }

    private Await() {
    }

    /** Waits until {@code condition} holds; fails naming {@code what} if it never does. */
    public static void until(String what, Condition condition) throws InterruptedException {
        until(what, condition, () -> "");
    }

    /**
     * Waits until {@code condition} holds; fails naming {@code what}, with {@code diagnostics} read at that
     * moment, if it never does.
     */
    public static void until(String what, Condition condition, Probe<String> diagnostics)
            throws InterruptedException {
        poll(what, () -> condition.holds(), Boolean::booleanValue, false, diagnostics);
    }

    /**
     * Waits until {@code probe} reads something {@code accepted} takes, and returns it; fails with the last
     * value if it never does.
     */
    public static <T> T value(String what, Probe<T> probe, Predicate<T> accepted) throws InterruptedException {
        return poll(what, probe, accepted, true, () -> "");
    }

    private static <T> T poll(String what, Probe<T> probe, Predicate<T> accepted, boolean showLast,
            Probe<String> diagnostics) throws InterruptedException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        T last = read(what, probe);
        while (!accepted.test(last)) {
            if (System.nanoTime() - end > 0) {
                String more = describe(diagnostics);
                throw new AssertionError("never happened: " + what + (showLast ? "; last seen: " + last : "")
                        + (more.isEmpty() ? "" : "; " + more));
            }
            Thread.sleep(POLL_MILLIS);
            last = read(what, probe);
        }
        return last;
    }

    private static String describe(Probe<String> diagnostics) {
        try {
            return diagnostics.read();
        } catch (Exception e) {
            return "(no diagnostics: " + e + ")";
        }
    }

    private static <T> T read(String what, Probe<T> probe) throws InterruptedException {
        try {
            return probe.read();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("failed while waiting for " + what + ": " + e, e);
        }
    }
}
