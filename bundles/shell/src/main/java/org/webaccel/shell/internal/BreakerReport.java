package org.webaccel.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;

/**
 * The text of {@code pool:breakers}: one line per breaker, and with {@code -v} under each its phase changes
 * and the failures it counted, newest last, as the health monitor keeps them.
 */
final class BreakerReport {

    private BreakerReport() {
    }

    /**
     * @param breakers the breakers, in the order to print
     * @param history the history of a breaker, or empty when the monitor keeps none for it
     * @param verbose add each breaker's history
     * @param now the time to say how long a breaker has been in its phase
     * @return the text
     */
    static String render(List<BreakerState> breakers, Function<BreakerState, Optional<BreakerHistory>> history,
            boolean verbose, Instant now) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-8s %-20s %-10s %-10s %6s %8s %9s  %s%n",
                "SCOPE", "ID", "BACKEND", "STATE", "STREAK", "FAILURES", "SUCCESSES", "RETRY IN"));
        for (BreakerState b : breakers) {
            out.append(String.format(Locale.ROOT, "%-8s %-20s %-10s %-10s %6d %8d %9d  %s%n",
                    b.scope().name().toLowerCase(Locale.ROOT), b.id(), b.backend(), phase(b.phase()),
                    b.consecutiveFailures(), b.failures(), b.successes(),
                    b.retryIn().isZero() ? "-" : b.retryIn().toSeconds() + " s"));
            if (verbose) {
                history.apply(b).ifPresentOrElse(h -> history(out, b, h, now),
                        () -> out.append("    no history kept\n"));
            }
        }
        return out.toString();
    }

    private static void history(StringBuilder out, BreakerState b, BreakerHistory h, Instant now) {
        out.append(String.format(Locale.ROOT, "    %s for %s (since %s); entered open %d, half-open %d, closed %d "
                + "times%n", phase(b.phase()), age(Duration.between(h.phaseSince(), now)), time(h.phaseSince()),
                h.transitionsInto().get(BreakerState.Phase.OPEN), h.transitionsInto().get(BreakerState.Phase.HALF_OPEN),
                h.transitionsInto().get(BreakerState.Phase.CLOSED)));
        if (h.transitions().isEmpty()) {
            out.append("    no phase changes\n");
        } else {
            out.append("    phase changes, newest last:\n");
            for (BreakerHistory.Transition t : h.transitions()) {
                out.append(String.format(Locale.ROOT, "      %s  %-9s -> %-9s  %s%n", time(t.at()), phase(t.from()),
                        phase(t.to()), t.cause()));
            }
        }
        if (h.failures().isEmpty()) {
            out.append("    no failures counted\n");
        } else {
            out.append("    failures counted, newest last:\n");
            for (BreakerHistory.Failure f : h.failures()) {
                out.append(String.format(Locale.ROOT, "      %s  %-15s  %s%n", time(f.at()), f.kind(),
                        f.message().isEmpty() ? "-" : f.message()));
            }
        }
    }

    static String phase(BreakerState.Phase p) {
        return p.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** A duration as an operator reads it: 42 s, 5 min 3 s, 2 h 10 min. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
