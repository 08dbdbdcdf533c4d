package org.webaccel.backend.firefox.internal;

import java.time.Duration;

/**
 * A moment by which a sequence of commands must be done, so that one timeout bounds the whole sequence
 * rather than each step.
 *
 * @param nanoTime the moment, in {@link System#nanoTime()} terms
 */
record Deadline(long nanoTime) {

    /** @return the deadline {@code timeout} from now */
    static Deadline in(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    /** @return the time left; never zero, so that a late step still fails with its own message */
    Duration remaining() {
        return Duration.ofNanos(Math.max(nanoTime - System.nanoTime(), 1_000_000));
    }
}
