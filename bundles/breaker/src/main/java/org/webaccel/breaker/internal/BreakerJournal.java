package org.webaccel.breaker.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState.Phase;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.Scope;

/**
 * What one breaker went through: its last phase changes and the last failures it counted, each in a ring of a
 * fixed capacity (the oldest entry gives way), plus unbounded counts of the phases it entered.
 */
final class BreakerJournal {

    /** A message longer than this is cut: the journal holds many of them for every breaker. */
    static final int MESSAGE_LIMIT = 300;

    private final Clock clock;
    private final int transitionCapacity;
    private final int failureCapacity;
    private final Deque<BreakerHistory.Transition> transitions = new ArrayDeque<>();
    private final Deque<BreakerHistory.Failure> failures = new ArrayDeque<>();
    private final Map<Phase, Long> entered = new EnumMap<>(Phase.class);
    private Instant phaseSince;

    /**
     * @param clock the time of each entry
     * @param transitionCapacity phase changes kept
     * @param failureCapacity failures kept
     */
    BreakerJournal(Clock clock, int transitionCapacity, int failureCapacity) {
        this.clock = clock;
        this.transitionCapacity = transitionCapacity;
        this.failureCapacity = failureCapacity;
        this.phaseSince = clock.instant();
    }

    synchronized void transition(Phase from, Phase to, String cause) {
        Instant now = clock.instant();
        add(transitions, new BreakerHistory.Transition(now, from, to, cause), transitionCapacity);
        entered.merge(to, 1L, Long::sum);
        phaseSince = now;
    }

    /**
     * @param failureClass why the call failed, or null for a slow call
     * @param message what is known of it, or null
     */
    synchronized void failure(FailureClass failureClass, String message) {
        String m = message == null ? "" : message.length() <= MESSAGE_LIMIT ? message
                : message.substring(0, MESSAGE_LIMIT - 1) + "…";
        add(failures, new BreakerHistory.Failure(clock.instant(), failureClass, m), failureCapacity);
    }

    private static <T> void add(Deque<T> ring, T entry, int capacity) {
        if (ring.size() == capacity) {
            ring.removeFirst();
        }
        ring.addLast(entry);
    }

    synchronized BreakerHistory history(Scope scope, String id, String backend) {
        return new BreakerHistory(scope, id, backend, phaseSince, transitions.stream().toList(),
                failures.stream().toList(), entered);
    }
}
