package org.webaccel.api.scheduling;

import java.util.Map;
import java.util.Objects;

/**
 * How placement judged one candidate.
 *
 * @param candidate the candidate
 * @param eligible false when a filter excluded it (breaker open, memory budget, ...)
 * @param reason why it was excluded, or {@code null} when eligible
 * @param total the score; higher is better; 0 for an excluded candidate
 * @param parts the parts the total is the sum of, by name (e.g. {@code affinity}, {@code history}), in the
 *        order the policy explains them
 */
public record Score(Candidate candidate, boolean eligible, String reason, double total, Map<String, Double> parts) {

    /** Copies the parts. */
    public Score {
        Objects.requireNonNull(candidate, "candidate");
        parts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parts));
    }
}
