package org.webaccel.scheduler.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.Summary;

/**
 * An immutable snapshot of measured latency per (model, version, backend, execution provider), built from the
 * metrics store's summaries. Placement reads it; a background task replaces it.
 */
final class History {

    /** What a series is measured by. */
    record Key(String model, String version, String backend, ExecutionProvider provider) {
    }

    /**
     * @param successes successful inferences in the window
     * @param p50Ms their median total latency
     */
    record Sample(long successes, double p50Ms) {
    }

    static final History EMPTY = new History(Map.of());

    private final Map<Key, Sample> samples;

    private History(Map<Key, Sample> samples) {
        this.samples = samples;
    }

    /** @return the series with at least one successful inference and a positive median */
    static History of(List<Summary> summaries) {
        Map<Key, Sample> samples = new HashMap<>();
        for (Summary s : summaries) {
            long successes = s.count() - s.failures();
            if (successes > 0 && Double.isFinite(s.p50Ms()) && s.p50Ms() > 0) {
                samples.put(new Key(s.model(), s.version(), s.backend(), s.executionProvider()),
                        new Sample(successes, s.p50Ms()));
            }
        }
        return new History(Map.copyOf(samples));
    }

    Optional<Sample> sample(Key key) {
        return Optional.ofNullable(samples.get(key));
    }

    int size() {
        return samples.size();
    }
}
