package org.webaccel.scheduler.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.webaccel.api.ExecutionProvider.AUTO;
import static org.webaccel.api.ExecutionProvider.WASM;
import static org.webaccel.api.ExecutionProvider.WEBGPU;
import static org.webaccel.api.ExecutionProvider.WEBNN;
import static org.webaccel.scheduler.internal.Fixtures.candidate;
import static org.webaccel.scheduler.internal.Fixtures.summary;

import java.util.ArrayList;
import java.util.Collections;
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

public class DefaultPlacementTest {
    private static final double EPS = 1e-9;
    private static final long MIB = 1024L * 1024L;
    private static final ModelDescriptor VISION = Fixtures.model("classifier", ModelType.VISION);

    private static DefaultPlacement policy(List<Summary> history, Object... config) {
        History h = History.of(history);
        return new DefaultPlacement(Fixtures.settings(config), () -> h);
    }

    private static List<Score> rank(DefaultPlacement p, ModelDescriptor model, ExecutionProvider ep,
            Candidate... candidates) {
        return p.rank(new PlacementRequest(model, ep), List.of(candidates));
    }

    private static Score scoreOf(List<Score> scores, String worker, ExecutionProvider ep) {
        return scores.stream().filter(s -> s.candidate().workerId().equals(worker)
                && s.candidate().executionProvider() == ep).findFirst().orElseThrow();
    }

    // filters

    @Test
    public void anOpenBreakerExcludesAndListsTheCandidateLast() {
        List<Score> scores = rank(policy(List.of()), VISION, AUTO,
                Fixtures.breakerOpen(candidate("a", "chromium", WEBGPU)), candidate("b", "chromium", WASM));
        assertEquals("b", scores.get(0).candidate().workerId());
        Score excluded = scores.get(1);
        assertFalse(excluded.eligible());
        assertEquals("circuit breaker open", excluded.reason());
        assertEquals(0, excluded.total(), 0);
        assertTrue(excluded.parts().isEmpty());
    }

    @Test
    public void browserMemoryOverTheBudgetExcludesButUnknownOrAtTheBudgetPasses() {
        DefaultPlacement p = policy(List.of());
        List<Score> scores = rank(p, VISION, AUTO,
                Fixtures.memory(candidate("over", "chromium", WASM), 5000 * MIB),
                Fixtures.memory(candidate("at", "chromium", WASM), 4096 * MIB),
                Fixtures.memory(candidate("unknown", "chromium", WASM), -1));
        assertEquals("browser memory 5000 MiB over the budget of 4096 MiB", scoreOf(scores, "over", WASM).reason());
        assertTrue(scoreOf(scores, "at", WASM).eligible());
        assertTrue(scoreOf(scores, "unknown", WASM).eligible());

        List<Score> smaller = rank(policy(List.of(), "memoryBudgetMegabytes", 1024L), VISION, AUTO,
                Fixtures.memory(candidate("at", "chromium", WASM), 4096 * MIB));
        assertEquals("browser memory 4096 MiB over the budget of 1024 MiB", smaller.get(0).reason());

        List<Score> none = rank(policy(List.of(), "memoryBudgetMegabytes", 0L), VISION, AUTO,
                Fixtures.memory(candidate("over", "chromium", WASM), 50_000 * MIB));
        assertTrue("a budget of 0 excludes nothing", none.get(0).eligible());
    }

    @Test
    public void aNamedProviderExcludesTheOthersAndAutoAcceptsAll() {
        Candidate gpu = candidate("a", "chromium", WEBGPU);
        Candidate cpu = candidate("a", "chromium", WASM);
        List<Score> named = rank(policy(List.of()), VISION, WASM, gpu, cpu);
        assertTrue(scoreOf(named, "a", WASM).eligible());
        assertEquals("provider webgpu, requested wasm", scoreOf(named, "a", WEBGPU).reason());

        List<Score> auto = rank(policy(List.of()), VISION, AUTO, gpu, cpu);
        assertTrue(auto.stream().allMatch(Score::eligible));
    }

    @Test
    public void theBreakerIsReportedBeforeOtherReasons() {
        Candidate c = Fixtures.breakerOpen(Fixtures.memory(candidate("a", "chromium", WEBGPU), 9000 * MIB));
        assertEquals("circuit breaker open", rank(policy(List.of()), VISION, WASM, c).get(0).reason());
    }

    // affinity

    @Test
    public void affinityGivesFullPointsForFamilyAndProviderPartForProviderAndAConstantForWasm() {
        DefaultPlacement p = policy(List.of());
        assertEquals(30, p.affinity(VISION, candidate("a", "chromium", WEBGPU)), EPS);
        assertEquals(15, p.affinity(VISION, candidate("a", "firefox", WEBGPU)), EPS);
        assertEquals(5, p.affinity(VISION, candidate("a", "chromium", WASM)), EPS);
        assertEquals(0, p.affinity(VISION, candidate("a", "chromium", WEBNN)), EPS);

        ModelDescriptor text = Fixtures.model("encoder", ModelType.TEXT);
        assertEquals("'*' matches any family", 30, p.affinity(text, candidate("a", "edge", WEBNN)), EPS);
        assertEquals(30, p.affinity(text, candidate("a", "chromium", WEBNN)), EPS);
        assertEquals(0, p.affinity(text, candidate("a", "chromium", WEBGPU)), EPS);
    }

    @Test
    public void aTypeWithoutEntryLeavesOnlyTheWasmFallback() {
        DefaultPlacement p = policy(List.of(), "affinity", "vision=chromium/webgpu", "wasmFallbackPoints", 7.0);
        ModelDescriptor audio = Fixtures.model("speech", ModelType.AUDIO);
        assertEquals(0, p.affinity(audio, candidate("a", "firefox", WEBGPU)), EPS);
        assertEquals(7, p.affinity(audio, candidate("a", "firefox", WASM)), EPS);
    }

    @Test
    public void aWasmEntryGivesWasmFullPoints() {
        DefaultPlacement p = policy(List.of(), "affinity", "vision=*/wasm");
        assertEquals(30, p.affinity(VISION, candidate("a", "firefox", WASM)), EPS);
    }

    @Test
    public void withoutHistoryTheAffinityTableDecides() {
        List<Score> scores = rank(policy(List.of()), VISION, AUTO, candidate("a", "chromium", WASM),
                candidate("b", "firefox", WEBGPU), candidate("c", "chromium", WEBGPU));
        assertEquals(List.of("c", "b", "a"), scores.stream().map(s -> s.candidate().workerId()).toList());
    }

    // the other parts

    @Test
    public void thePartsComeInTheirOrderAndAddUpToTheTotal() {
        Candidate c = Fixtures.health(Fixtures.load(Fixtures.loaded(candidate("a", "chromium", WEBGPU)), 3, 4), 50);
        Score s = rank(policy(List.of()), VISION, AUTO, c).get(0);
        assertEquals(List.of("affinity", "history", "load", "loaded", "health"), List.copyOf(s.parts().keySet()));
        assertEquals(30, s.parts().get("affinity"), EPS);
        assertEquals(0, s.parts().get("history"), EPS);
        assertEquals("one page of four free", 2.5, s.parts().get("load"), EPS);
        assertEquals(15, s.parts().get("loaded"), EPS);
        assertEquals(5, s.parts().get("health"), EPS);
        assertEquals(52.5, s.total(), EPS);
    }

    @Test
    public void aFreerBrowserALoadedSessionAndBetterHealthEachWinAmongEquals() {
        Candidate base = candidate("a", "chromium", WASM);
        Candidate busy = Fixtures.load(candidate("b", "chromium", WASM), 2, 3);
        assertEquals("a", rank(policy(List.of()), VISION, AUTO, busy, base).get(0).candidate().workerId());
        Candidate warm = Fixtures.loaded(candidate("b", "chromium", WASM));
        assertEquals("b", rank(policy(List.of()), VISION, AUTO, warm, base).get(0).candidate().workerId());
        Candidate sick = Fixtures.health(candidate("0", "chromium", WASM), 60);
        assertEquals("a", rank(policy(List.of()), VISION, AUTO, sick, base).get(0).candidate().workerId());
    }

    @Test
    public void softwareWebGpuRanksBelowWasmUntilItsHistorySaysOtherwise() {
        Candidate gpu = Fixtures.fallbackAdapter(candidate("a", "chromium", WEBGPU));
        Candidate cpu = candidate("a", "chromium", WASM);
        List<Score> fresh = rank(policy(List.of()), VISION, AUTO, gpu, cpu);
        assertEquals("without history wasm goes first", WASM, fresh.get(0).candidate().executionProvider());
        Score sw = scoreOf(fresh, "a", WEBGPU);
        assertEquals("the penalty takes the affinity and the wasm points away", -35, sw.parts().get("fallback adapter"),
                EPS);
        assertEquals(List.of("affinity", "fallback adapter", "history", "load", "loaded", "health"),
                List.copyOf(sw.parts().keySet()));

        List<Score> measured = rank(policy(List.of(summary("classifier", "chromium", WEBGPU, 1000, 1),
                summary("classifier", "chromium", WASM, 1000, 100))), VISION, AUTO, gpu, cpu);
        assertEquals("measured 100x faster, the software adapter wins", WEBGPU,
                measured.get(0).candidate().executionProvider());

        Candidate hardware = candidate("a", "chromium", WEBGPU);
        assertEquals("a hardware adapter keeps its affinity", WEBGPU,
                rank(policy(List.of()), VISION, AUTO, hardware, cpu).get(0).candidate().executionProvider());
    }

    // history

    /** Chromium's webgpu is the table's choice for vision, but measured wasm is 50 times faster. */
    private static List<Summary> fastWasm(long samples) {
        return List.of(summary("classifier", "chromium", WEBGPU, samples, 4600),
                summary("classifier", "chromium", WASM, samples, 92));
    }

    @Test
    public void belowMinSamplesHistoryCountsNothingAndAffinityDecides() {
        List<Score> scores = rank(policy(fastWasm(19)), VISION, AUTO, candidate("gpu", "chromium", WEBGPU),
                candidate("cpu", "chromium", WASM));
        assertEquals("gpu", scores.get(0).candidate().workerId());
        assertTrue(scores.stream().allMatch(s -> s.parts().get("history") == 0));
    }

    @Test
    public void confidentHistoryOverridesTheAffinityTable() {
        List<Score> scores = rank(policy(fastWasm(20)), VISION, AUTO, candidate("gpu", "chromium", WEBGPU),
                candidate("cpu", "chromium", WASM));
        assertEquals("cpu", scores.get(0).candidate().workerId());
        Score cpu = scores.get(0);
        assertEquals("fastest key: historyWeight x 20/(20+20)", 30, cpu.parts().get("history"), EPS);
        Score gpu = scores.get(1);
        assertEquals(30 * 92.0 / 4600, gpu.parts().get("history"), EPS);
        assertTrue(cpu.total() > gpu.total());
    }

    @Test
    public void aLoadedSessionOnTheTableChoiceNeedsMoreEvidenceToOverride() {
        Candidate gpu = Fixtures.loaded(candidate("gpu", "chromium", WEBGPU));
        Candidate cpu = candidate("cpu", "chromium", WASM);
        assertEquals("gpu", rank(policy(fastWasm(20)), VISION, AUTO, gpu, cpu).get(0).candidate().workerId());
        assertEquals("cpu", rank(policy(fastWasm(200)), VISION, AUTO, gpu, cpu).get(0).candidate().workerId());
    }

    @Test
    public void confidenceGrowsWithTheSampleCount() {
        DefaultPlacement p = policy(List.of());
        assertEquals(0.5, p.sampleConfidence(20), EPS);
        double previous = 0;
        for (long n = 20; n <= 20_000; n *= 3) {
            double c = p.sampleConfidence(n);
            assertTrue(n + " samples", c > previous && c < 1);
            previous = c;
        }
        double[] points = new double[3];
        long[] samples = {20, 60, 180};
        for (int i = 0; i < samples.length; i++) {
            points[i] = rank(policy(fastWasm(samples[i])), VISION, AUTO, candidate("cpu", "chromium", WASM),
                    candidate("gpu", "chromium", WEBGPU)).get(0).parts().get("history");
        }
        assertEquals(30, points[0], EPS);
        assertEquals(45, points[1], EPS);
        assertEquals(54, points[2], EPS);
    }

    @Test
    public void confidenceInADifferenceGrowsWithTheGapToTheFastest() {
        List<Score> scores = rank(policy(List.of(summary("classifier", "chromium", WASM, 1_000_000, 100),
                summary("classifier", "firefox", WASM, 1_000_000, 112.5),
                summary("classifier", "edge", WASM, 1_000_000, 300))), VISION, AUTO,
                candidate("c", "chromium", WASM), candidate("f", "firefox", WASM), candidate("e", "edge", WASM));
        double full = scoreOf(scores, "c", WASM).parts().get("history");
        assertEquals(60, full, 0.01);
        // 12.5 % slower is half of gapPercent 25: half of the ratio's penalty (1 - 100/112.5)
        assertEquals(full * (1 - 0.5 * (1 - 100 / 112.5)), scoreOf(scores, "f", WASM).parts().get("history"), EPS);
        // past gapPercent the whole ratio applies
        assertEquals(full * 100 / 300, scoreOf(scores, "e", WASM).parts().get("history"), EPS);
    }

    @Test
    public void nearEqualHistoryLeavesTheChoiceToAffinity() {
        List<Score> scores = rank(policy(List.of(summary("classifier", "chromium", WEBGPU, 10_000, 101),
                summary("classifier", "firefox", WEBGPU, 10_000, 100))), VISION, AUTO,
                candidate("f", "firefox", WEBGPU), candidate("c", "chromium", WEBGPU));
        assertEquals("1 % slower but the table's family", "c", scores.get(0).candidate().workerId());
    }

    @Test
    public void theFastestIsTakenAmongEligibleCandidatesOnly() {
        List<Summary> history = List.of(summary("classifier", "chromium", WASM, 1000, 50),
                summary("classifier", "firefox", WASM, 1000, 100));
        Candidate fast = Fixtures.breakerOpen(candidate("c", "chromium", WASM));
        Candidate slower = candidate("f", "firefox", WASM);
        List<Score> scores = rank(policy(history), VISION, AUTO, fast, slower);
        assertEquals(60 * 1000.0 / 1020, scoreOf(scores, "f", WASM).parts().get("history"), EPS);
    }

    @Test
    public void historyIsPerModelVersionBackendAndProvider() {
        List<Summary> history = List.of(
                new Summary("classifier", "2", "chromium", WASM, 1000, 0, 10, 10, 10, 10),
                summary("other", "chromium", WASM, 1000, 10),
                summary("classifier", "firefox", WASM, 1000, 10),
                summary("classifier", "chromium", WEBGPU, 1000, 10));
        Score s = rank(policy(history), VISION, AUTO, candidate("c", "chromium", WASM)).get(0);
        assertEquals(0, s.parts().get("history"), 0);
    }

    @Test
    public void failedRunsAreNotSamples() {
        List<Summary> history = List.of(new Summary("classifier", "1", "chromium", WASM, 30, 15, 10, 10, 10, 10));
        Score s = rank(policy(history), VISION, AUTO, candidate("c", "chromium", WASM)).get(0);
        assertEquals("15 successes < minSamples 20", 0, s.parts().get("history"), 0);
    }

    // determinism

    @Test
    public void equalScoresAreOrderedByWorkerThenProviderWhateverTheInputOrder() {
        List<Candidate> candidates = new ArrayList<>();
        for (String w : List.of("w-3", "w-1", "w-2")) {
            candidates.add(candidate(w, "chromium", WEBNN));
            candidates.add(candidate(w, "chromium", WEBGPU));
        }
        candidates.add(Fixtures.breakerOpen(candidate("w-0", "chromium", WEBGPU)));
        DefaultPlacement p = policy(List.of(), "affinity", "");
        List<Score> first = p.rank(new PlacementRequest(VISION, AUTO), candidates);
        assertEquals(List.of("w-1/webgpu", "w-1/webnn", "w-2/webgpu", "w-2/webnn", "w-3/webgpu", "w-3/webnn",
                "w-0/webgpu"), first.stream().map(s -> s.candidate().workerId() + "/"
                        + s.candidate().executionProvider()).toList());
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(candidates, random);
            assertEquals(first, p.rank(new PlacementRequest(VISION, AUTO), candidates));
        }
    }

    @Test
    public void noCandidatesGiveNoScores() {
        assertTrue(policy(List.of()).rank(new PlacementRequest(VISION, AUTO), List.of()).isEmpty());
        assertNull(policy(List.of()).exclusion(new PlacementRequest(VISION, AUTO), candidate("a", "x", WASM)));
    }
}
