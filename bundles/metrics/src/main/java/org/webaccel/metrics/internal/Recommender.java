package org.webaccel.metrics.internal;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.model.ModelType;

/**
 * Chooses the backend and execution provider with the lowest median latency for a model type. The
 * confidence says how surely the choice beats the runner-up (a rank test on their latencies), discounted by
 * the choice's failures; a lone candidate only earns confidence by its sample size.
 */
final class Recommender {
    private static final double LONE_CANDIDATE_HALF = 30;

    private final HistoryQueries queries;
    private final int minSamples;
    private final int maxSamples;
    private final double maxErrorRate;

    Recommender(HistoryQueries queries, int minSamples, int maxSamples, double maxErrorRate) {
        this.queries = queries;
        this.minSamples = minSamples;
        this.maxSamples = maxSamples;
        this.maxErrorRate = maxErrorRate;
    }

    Optional<Recommendation> recommend(ModelType type, Instant since) throws SQLException {
        List<HistoryQueries.Candidate> ranked = queries.candidates(type, since).stream()
                .filter(c -> c.successes() >= minSamples && c.errorRate() <= maxErrorRate)
                .sorted(Comparator.comparingDouble(HistoryQueries.Candidate::medianMs))
                .toList();
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        HistoryQueries.Candidate best = ranked.get(0);
        double success = 1 - best.errorRate();
        if (ranked.size() == 1) {
            double n = best.successes();
            return Optional.of(of(type, best, n / (n + LONE_CANDIDATE_HALF) * success,
                    "only candidate with enough samples"));
        }
        HistoryQueries.Candidate second = ranked.get(1);
        double p = new MannWhitneyUTest().mannWhitneyUTest(queries.candidateSamples(type, best, since, maxSamples),
                queries.candidateSamples(type, second, since, maxSamples));
        return Optional.of(of(type, best, (1 - p) * success, String.format(Locale.ROOT,
                "median %.1f ms against %.1f ms on %s/%s (Mann-Whitney p=%.3g)", best.medianMs(),
                second.medianMs(), second.backend(), second.executionProvider(), p)));
    }

    private static Recommendation of(ModelType type, HistoryQueries.Candidate c, double confidence,
            String reason) {
        return new Recommendation(type, c.backend(), c.browserVersion() == null ? "" : c.browserVersion(),
                c.executionProvider(), confidence, c.successes(), c.medianMs(), c.errorRate(), reason);
    }
}
