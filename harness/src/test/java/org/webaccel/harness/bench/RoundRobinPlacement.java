package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * The benchmark's baseline placement: every free candidate (worker and provider) in turn, blind to model,
 * browser and history. Only an open breaker excludes a candidate, as in the default policy. Registered with
 * a higher service ranking than the default policy for the round-robin windows, then withdrawn.
 */
public final class RoundRobinPlacement implements PlacementPolicy {
    private final AtomicLong turn = new AtomicLong();

    @Override
    public List<Score> rank(PlacementRequest request, List<Candidate> candidates) {
        List<Candidate> open = new ArrayList<>();
        List<Score> excluded = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.breakerOpen()) {
                excluded.add(new Score(c, false, "circuit breaker open", 0, Map.of()));
            } else {
                open.add(c);
            }
        }
        // A stable order first, so that the turn, not the pool's listing, decides who is next.
        open.sort(Comparator.comparing(Candidate::workerId).thenComparing(c -> c.executionProvider().id()));
        List<Score> ranked = new ArrayList<>();
        if (!open.isEmpty()) {
            int start = (int) (turn.getAndIncrement() % open.size());
            for (int i = 0; i < open.size(); i++) {
                Candidate c = open.get((start + i) % open.size());
                double total = open.size() - i;
                ranked.add(new Score(c, true, null, total, Map.of("turn", total)));
            }
        }
        ranked.addAll(excluded);
        return ranked;
    }
}
