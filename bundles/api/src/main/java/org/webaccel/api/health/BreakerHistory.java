package org.webaccel.api.health;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.webaccel.api.health.BreakerState.Phase;

/**
 * The recent past of one circuit breaker: its last phase changes with their causes and the last failures it
 * counted. Both lists are bounded (the bundle that implements {@link HealthMonitor} says by what), oldest first;
 * the counts of transitions are not bounded and only grow while the breaker lives.
 *
 * @param scope whether this is a worker's or a backend's breaker
 * @param id the worker id, or the backend name
 * @param backend the backend name (equal to {@code id} for a backend's breaker)
 * @param phaseSince when the breaker entered its current phase, or when it was created if it never changed
 * @param transitions the last phase changes, oldest first
 * @param failures the last failures the breaker counted, oldest first
 * @param transitionsInto for every phase, how many times the breaker entered it since it was created
 */
public record BreakerHistory(Scope scope, String id, String backend, Instant phaseSince,
        List<Transition> transitions, List<Failure> failures, Map<Phase, Long> transitionsInto) {

    /** Copies the lists and the counts, and fills in a zero count for a phase that has none. */
    public BreakerHistory {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phaseSince, "phaseSince");
        transitions = List.copyOf(transitions);
        failures = List.copyOf(failures);
        Map<Phase, Long> counts = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            counts.put(p, transitionsInto.getOrDefault(p, 0L));
        }
        transitionsInto = Map.copyOf(counts);
    }

    /** @return the newest phase change, or empty if the breaker never changed phase */
    public Optional<Transition> lastTransition() {
        return transitions.isEmpty() ? Optional.empty() : Optional.of(transitions.get(transitions.size() - 1));
    }

    /**
     * One phase change.
     *
     * @param at when it happened
     * @param from the phase it left
     * @param to the phase it entered
     * @param cause what made it, e.g. {@code page_crash: 5 consecutive failures}, {@code open delay of 30 s
     *        passed}, {@code 3 trial calls succeeded}, {@code trial call failed: hang}
     */
    public record Transition(Instant at, Phase from, Phase to, String cause) {
        /** Checks that nothing is missing. */
        public Transition {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * One failure the breaker counted.
     *
     * @param at when it was reported
     * @param failureClass why the call failed, or null for a call that completed but too slowly (the breaker's
     *        slow-call threshold); see {@link #isSlowCall()}
     * @param message what the reporter said of it (for a backend's breaker it names the worker), or empty
     */
    public record Failure(Instant at, FailureClass failureClass, String message) {
        /** Checks that nothing is missing but the failure class. */
        public Failure {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(message, "message");
        }

        /** @return true for a call that completed but took at least the slow-call threshold */
        public boolean isSlowCall() {
            return failureClass == null;
        }

        /** @return the failure class as counters name it, or {@code slow_call} */
        public String kind() {
            return failureClass == null ? "slow_call" : failureClass.id();
        }
    }
}
