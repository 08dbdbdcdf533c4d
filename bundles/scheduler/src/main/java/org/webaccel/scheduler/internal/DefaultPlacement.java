package org.webaccel.scheduler.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * The default placement: filters, then scores each remaining candidate as affinity + history + load + loaded +
 * health (formulas in the bundle's README). It reads only memory: the settings and the latest history snapshot.
 */
final class DefaultPlacement implements PlacementPolicy {

    static final String AFFINITY = "affinity";
    static final String HISTORY = "history";
    static final String LOAD = "load";
    static final String LOADED = "loaded";
    static final String HEALTH = "health";
    static final String ADAPTER = "fallback adapter";

    /** Best first; equal totals by worker id, then provider, so the same input always gives the same order. */
    private static final Comparator<Score> ORDER = Comparator.comparing(Score::eligible).reversed()
            .thenComparing(Comparator.comparingDouble(Score::total).reversed())
            .thenComparing(s -> s.candidate().workerId())
            .thenComparing(s -> s.candidate().executionProvider());

    private final Settings settings;
    private final Supplier<History> history;

    DefaultPlacement(Settings settings, Supplier<History> history) {
        this.settings = settings;
        this.history = history;
    }

    /**
     * The best eligible candidate is found in one pass ({@link FirstChoice}); the complete ranking, with every
     * candidate's parts and the excluded ones' reasons, is computed only when a caller reads past the first
     * score ({@link BestFirstScores}). The candidates list must not change while the answer is read.
     */
    @Override
    public List<Score> rank(PlacementRequest request, List<Candidate> candidates) {
        History measured = history.get();
        Score first = new FirstChoice(this).find(request, candidates, measured);
        if (first == null) {
            return rankAll(request, candidates, measured);
        }
        return new BestFirstScores(first, candidates.size(), () -> rankAll(request, candidates, measured));
    }

    /** @return every candidate scored or excluded, sorted: the eligible ones best first, then the excluded ones */
    List<Score> rankAll(PlacementRequest request, List<Candidate> candidates, History measured) {
        List<Candidate> eligible = new ArrayList<>(candidates.size());
        List<Score> scores = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            String reason = exclusion(request, c);
            if (reason == null) {
                eligible.add(c);
            } else {
                scores.add(new Score(c, false, reason, 0, Map.of()));
            }
        }
        double fastest = fastestMeasured(request.model(), eligible, measured);
        for (Candidate c : eligible) {
            scores.add(score(request.model(), c, measured, fastest));
        }
        scores.sort(ORDER);
        return List.copyOf(scores);
    }

    /**
     * @param fastest the lowest trusted median among the eligible candidates, or NaN
     * @return the eligible candidate's score with its parts; the total is their sum in the order they are listed
     */
    Score score(ModelDescriptor model, Candidate c, History measured, double fastest) {
        Map<String, Double> parts = new LinkedHashMap<>();
        double affinity = affinity(model, c);
        parts.put(AFFINITY, affinity);
        if (c.fallbackAdapter()) {
            parts.put(ADAPTER, adapter(affinity));
        }
        parts.put(HISTORY, history(model, c, measured, fastest));
        parts.put(LOAD, load(c));
        parts.put(LOADED, loaded(c));
        parts.put(HEALTH, health(c));
        double total = 0;
        for (double part : parts.values()) {
            total += part;
        }
        return new Score(c, true, null, total, parts);
    }

    /** @return the same answer as {@code exclusion(request, c) == null}, without building a reason */
    boolean eligible(PlacementRequest request, Candidate c) {
        long budget = settings.memoryBudgetBytes();
        return !c.breakerOpen() && !(budget > 0 && c.browserMemoryBytes() > budget)
                && (request.requested() == ExecutionProvider.AUTO || c.executionProvider() == request.requested());
    }

    /** @return why the candidate may not take the request, or null when it may */
    String exclusion(PlacementRequest request, Candidate c) {
        if (c.breakerOpen()) {
            return "circuit breaker open";
        }
        long budget = settings.memoryBudgetBytes();
        if (budget > 0 && c.browserMemoryBytes() > budget) {
            return String.format(Locale.ROOT, "browser memory %d MiB over the budget of %d MiB",
                    c.browserMemoryBytes() / Settings.MIB, budget / Settings.MIB);
        }
        if (request.requested() != ExecutionProvider.AUTO && c.executionProvider() != request.requested()) {
            return "provider " + c.executionProvider().id() + ", requested " + request.requested().id();
        }
        return null;
    }

    /** Software WebGPU: no affinity, and below wasm, until its measured history says otherwise. */
    double adapter(double affinity) {
        return -affinity - settings.wasmFallbackPoints();
    }

    double affinity(ModelDescriptor model, Candidate c) {
        var preference = settings.affinity().preference(model.type());
        if (preference.isPresent() && preference.get().provider() == c.executionProvider()) {
            boolean familyMatches = preference.get().anyFamily() || preference.get().family().equals(c.family());
            return familyMatches ? settings.affinityWeight()
                    : settings.affinityWeight() * settings.providerMatchFraction();
        }
        return c.executionProvider() == ExecutionProvider.WASM ? settings.wasmFallbackPoints() : 0;
    }

    /** @return the lowest median among the eligible candidates' keys that have enough samples, or NaN */
    private double fastestMeasured(ModelDescriptor model, List<Candidate> eligible, History measured) {
        double fastest = Double.NaN;
        for (Candidate c : eligible) {
            History.Sample s = trusted(model, c, measured);
            if (s != null && !(s.p50Ms() >= fastest)) {
                fastest = s.p50Ms();
            }
        }
        return fastest;
    }

    History.Sample trusted(ModelDescriptor model, Candidate c, History measured) {
        return measured.sample(key(model, c)).filter(s -> s.successes() >= settings.minSamples()).orElse(null);
    }

    static History.Key key(ModelDescriptor model, Candidate c) {
        return new History.Key(model.name(), model.version(), c.backend(), c.executionProvider());
    }

    double history(ModelDescriptor model, Candidate c, History measured, double fastest) {
        History.Sample s = trusted(model, c, measured);
        if (s == null) {
            return 0;
        }
        double sampleConfidence = sampleConfidence(s.successes());
        double ratio = fastest / s.p50Ms();
        double gapConfidence = clamp((s.p50Ms() - fastest) / fastest / settings.gapFraction());
        return settings.historyWeight() * sampleConfidence * (1 - gapConfidence * (1 - ratio));
    }

    /** @return n/(n+k): one half at k samples, approaching 1 */
    double sampleConfidence(long n) {
        return (double) n / (n + settings.confidenceSamples());
    }

    double load(Candidate c) {
        if (c.pagesInBrowser() <= 0) {
            return settings.loadWeight();
        }
        return settings.loadWeight() * (1 - clamp((double) c.busyPagesInBrowser() / c.pagesInBrowser()));
    }

    double loaded(Candidate c) {
        return c.modelLoaded() ? settings.loadedWeight() : 0.0;
    }

    double health(Candidate c) {
        return settings.healthWeight() * clamp(c.healthScore() / 100);
    }

    private static double clamp(double x) {
        return Math.min(1, Math.max(0, x));
    }
}
