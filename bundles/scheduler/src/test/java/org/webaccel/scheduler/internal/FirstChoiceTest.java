package org.webaccel.scheduler.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * The one-pass choice against the complete ranking, on randomized states with a fixed seed: the same first
 * score (same candidate, total, parts) for every state, and the same complete ranking behind it.
 */
public class FirstChoiceTest {
    private static final long MIB = 1024L * 1024L;
    private static final String[] BACKENDS = {"chromium", "firefox", "edge", "grid"};
    private static final ExecutionProvider[] PROVIDERS =
            {ExecutionProvider.WASM, ExecutionProvider.WEBGPU, ExecutionProvider.WEBNN};
    private static final ExecutionProvider[] REQUESTED = {ExecutionProvider.AUTO, ExecutionProvider.AUTO,
            ExecutionProvider.WASM, ExecutionProvider.WEBGPU, ExecutionProvider.WEBNN};
    private static final String[] AFFINITIES = {"", "vision=chromium/webgpu,audio=firefox/webgpu,text=*/webnn",
            "vision=*/wasm,text=grid/webgpu", "vision=firefox/webnn,audio=*/webgpu,text=chromium/wasm"};
    private static final double[] HEALTH = {100, 100, 100, 80, 50, 0, 33.3, 66.7};

    @Test
    public void theFirstScoreIsTheCompleteRankingsFirstOnRandomStates() {
        Random random = new Random(20261203L);
        int compared = 0;
        int withHistory = 0;
        int noneEligible = 0;
        for (int round = 0; round < 3000; round++) {
            DefaultPlacement policy = policy(random);
            ModelDescriptor model = Fixtures.model("m" + random.nextInt(2),
                    ModelType.values()[random.nextInt(ModelType.values().length)]);
            PlacementRequest request = new PlacementRequest(model, REQUESTED[random.nextInt(REQUESTED.length)]);
            List<Candidate> candidates = candidates(random, 1 + random.nextInt(random.nextBoolean() ? 8 : 200));
            History measured = history(random);

            List<Score> full = policy.rankAll(request, candidates, measured);
            FirstChoice pass = new FirstChoice(policy);
            Score first = pass.find(request, candidates, measured);
            if (first == null) {
                assertTrue("no eligible candidate in round " + round, full.stream().noneMatch(Score::eligible));
                noneEligible++;
                continue;
            }
            Score expected = full.get(0);
            assertSame("round " + round, expected.candidate(), first.candidate());
            assertEquals("round " + round, expected, first);
            assertEquals("the pass's own total, round " + round, Double.doubleToRawLongBits(expected.total()),
                    Double.doubleToRawLongBits(pass.bestTotal()));
            compared++;
            withHistory += measured.size() > 0 ? 1 : 0;
        }
        assertTrue("most rounds have an eligible candidate: " + compared, compared > 2000);
        assertTrue("some rounds have no eligible candidate: " + noneEligible, noneEligible > 0);
        assertTrue("most rounds have history: " + withHistory, withHistory > 1000);
    }

    @Test
    public void rankReadsPastTheFirstScoreAsTheCompleteRanking() {
        Random random = new Random(7L);
        for (int round = 0; round < 500; round++) {
            History measured = history(random);
            Settings settings = settings(random);
            DefaultPlacement policy = new DefaultPlacement(settings, () -> measured);
            PlacementRequest request = new PlacementRequest(Fixtures.model("m0", ModelType.VISION),
                    REQUESTED[random.nextInt(REQUESTED.length)]);
            List<Candidate> candidates = candidates(random, 1 + random.nextInt(50));
            List<Score> ranked = policy.rank(request, candidates);
            assertEquals(candidates.size(), ranked.size());
            assertEquals("round " + round, policy.rankAll(request, candidates, measured), new ArrayList<>(ranked));
        }
    }

    private static DefaultPlacement policy(Random random) {
        return new DefaultPlacement(settings(random), () -> History.EMPTY);
    }

    private static Settings settings(Random random) {
        return Fixtures.settings("affinity", AFFINITIES[random.nextInt(AFFINITIES.length)],
                "memoryBudgetMegabytes", random.nextBoolean() ? 4096L : random.nextBoolean() ? 0L : 1000L,
                "affinityWeight", random.nextInt(40) * 0.7, "providerMatchFraction", random.nextInt(4) / 3.0,
                "wasmFallbackPoints", random.nextInt(8) * 1.1, "historyWeight", 10.1 * random.nextInt(8),
                "minSamples", 1 + random.nextInt(30), "confidenceSamples", random.nextInt(30),
                "gapPercent", 1.0 + random.nextInt(50), "loadWeight", random.nextInt(12) * 0.3,
                "loadedWeight", random.nextInt(20) * 0.7, "healthWeight", random.nextInt(3) * 3.3);
    }

    /**
     * Few distinct values of each feature, so that equal totals (and the tie-breaks) are common; weights and
     * scores that binary fractions do not represent exactly, so that parts added in another order would round
     * differently (see the settings).
     */
    private static List<Candidate> candidates(Random random, int n) {
        List<Candidate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String backend = BACKENDS[random.nextInt(BACKENDS.length)];
            String family = backend.equals("edge") ? "chromium" : backend.equals("grid")
                    ? BACKENDS[random.nextInt(2)] : backend;
            ExecutionProvider ep = PROVIDERS[random.nextInt(PROVIDERS.length)];
            int pages = random.nextInt(5);
            int busy = pages == 0 ? 0 : random.nextInt(pages + 1);
            long memory = random.nextInt(4) == 0 ? (500 + random.nextInt(5000)) * MIB : -1;
            out.add(new Candidate("w-" + random.nextInt(2 * n + 1), new String(backend), family, ep,
                    random.nextInt(4) == 0, busy, pages, random.nextInt(12) == 0,
                    HEALTH[random.nextInt(HEALTH.length)], memory,
                    ep == ExecutionProvider.WEBGPU && random.nextBoolean()));
        }
        return out;
    }

    /** Medians for some (model, backend, provider) keys, some below the sample threshold; empty in a fifth. */
    private static History history(Random random) {
        if (random.nextInt(5) == 0) {
            return History.EMPTY;
        }
        List<Summary> summaries = new ArrayList<>();
        for (String model : new String[] {"m0", "m1"}) {
            for (String backend : BACKENDS) {
                for (ExecutionProvider ep : PROVIDERS) {
                    if (random.nextInt(3) > 0) {
                        summaries.add(Fixtures.summary(model, backend, ep, random.nextInt(60),
                                1 + random.nextInt(8) * 0.5));
                    }
                }
            }
        }
        return History.of(summaries);
    }
}
