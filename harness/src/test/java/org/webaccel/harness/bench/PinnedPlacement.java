package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * Accepts only the workers of one backend. The benchmark registers it over the default policy while it fills
 * the performance history of that backend (the request names the provider), so that every (model, backend,
 * provider) key has its samples before placement is compared.
 */
public final class PinnedPlacement implements PlacementPolicy {
    private final String backend;

    /** @param backend the only backend whose workers are eligible */
    public PinnedPlacement(String backend) {
        this.backend = backend;
    }

    @Override
    public List<Score> rank(PlacementRequest request, List<Candidate> candidates) {
        List<Score> eligible = new ArrayList<>();
        List<Score> excluded = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.backend().equals(backend) && !c.breakerOpen()) {
                eligible.add(new Score(c, true, null, 1, Map.of("pinned", 1.0)));
            } else {
                excluded.add(new Score(c, false, "pinned to " + backend, 0, Map.of()));
            }
        }
        eligible.addAll(excluded);
        return eligible;
    }
}
