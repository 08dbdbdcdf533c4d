package org.webaccel.scheduler.internal;

import java.util.Arrays;
import java.util.List;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * Finds the candidate {@link DefaultPlacement#rankAll} would put first, in one pass that keeps the best, without
 * a {@link Score} (and its map of parts) per candidate and without sorting. The parts that depend only on the
 * candidate's backend, family, provider and adapter (affinity, fallback adapter, history) are computed once per
 * such feature key; per candidate there remain three additions and a comparison, or none when the candidate's
 * load, loaded model and health equal those of the last candidate of its key.
 *
 * <p>The totals are bit-for-bit those of {@link DefaultPlacement#score}: the same parts, added in the same order
 * (the feature key's share is the running sum after affinity, adapter and history, which is exactly the
 * intermediate sum the full scoring reaches at that point). Ties are broken as the full ranking breaks them: by
 * worker id, then provider, then the candidate listed first. One instance per decision; not thread-safe.
 */
final class FirstChoice {
    private final DefaultPlacement policy;
    private final Features features = new Features();
    private double bestTotal = Double.NaN;

    FirstChoice(DefaultPlacement policy) {
        this.policy = policy;
    }

    /**
     * @param request what is to be placed
     * @param candidates the candidates, as {@code rank} got them
     * @param measured the history snapshot the decision reads
     * @return the first score of the full ranking, or null when no candidate is eligible
     */
    Score find(PlacementRequest request, List<Candidate> candidates, History measured) {
        ModelDescriptor model = request.model();
        double fastest = Double.NaN;
        if (measured.size() > 0) {
            // History points are relative to the fastest key among all eligible candidates: known only after a
            // pass of its own. Without history that pass is not needed.
            for (Candidate c : candidates) {
                if (policy.eligible(request, c)) {
                    features.indexOf(c);
                }
            }
            fastest = fastest(model, measured);
        }
        int n = candidates.size();
        int best = -1;
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get(i);
            if (!policy.eligible(request, c)) {
                continue;
            }
            double total = total(model, c, features.indexOf(c), measured, fastest);
            if (best < 0 || before(total, c, bestTotal, candidates.get(best))) {
                best = i;
                bestTotal = total;
            }
        }
        return best < 0 ? null : policy.score(model, candidates.get(best), measured, fastest);
    }

    /**
     * @return the candidate's total: its feature key's share, then load, loaded and health added in the full
     *         scoring's order; the last total of the key is reused when the candidate's own features equal those
     *         it was computed from
     */
    private double total(ModelDescriptor model, Candidate c, int k, History measured, double fastest) {
        Features f = features;
        if (!f.ready[k]) {
            Candidate first = f.first[k];
            double sum = 0;
            double affinity = policy.affinity(model, first);
            sum += affinity;
            if (first.fallbackAdapter()) {
                sum += policy.adapter(affinity);
            }
            sum += policy.history(model, first, measured, fastest);
            f.share[k] = sum;
            f.ready[k] = true;
        } else if (f.memo[k] && c.busyPagesInBrowser() == f.busy[k] && c.pagesInBrowser() == f.pages[k]
                && c.modelLoaded() == f.loaded[k]
                && Double.doubleToRawLongBits(c.healthScore()) == Double.doubleToRawLongBits(f.health[k])) {
            return f.total[k];
        }
        double total = f.share[k];
        total += policy.load(c);
        total += policy.loaded(c);
        total += policy.health(c);
        f.memo[k] = true;
        f.busy[k] = c.busyPagesInBrowser();
        f.pages[k] = c.pagesInBrowser();
        f.loaded[k] = c.modelLoaded();
        f.health[k] = c.healthScore();
        f.total[k] = total;
        return total;
    }

    /** @return the total this pass computed for the candidate {@link #find} chose: its score's total, bit for bit */
    double bestTotal() {
        return bestTotal;
    }

    /** @return the lowest trusted median among the feature keys of eligible candidates, or NaN */
    private double fastest(ModelDescriptor model, History measured) {
        double fastest = Double.NaN;
        for (int k = 0; k < features.size; k++) {
            History.Sample s = policy.trusted(model, features.first[k], measured);
            if (s != null && !(s.p50Ms() >= fastest)) {
                fastest = s.p50Ms();
            }
        }
        return fastest;
    }

    /** @return whether a candidate with this total ranks before the best so far (the full ranking's order) */
    private static boolean before(double total, Candidate c, double bestTotal, Candidate best) {
        int byTotal = Double.compare(total, bestTotal);
        if (byTotal != 0) {
            return byTotal > 0;
        }
        int byId = c.workerId().compareTo(best.workerId());
        if (byId != 0) {
            return byId < 0;
        }
        return c.executionProvider().compareTo(best.executionProvider()) < 0;
    }

    /**
     * The distinct (backend, family, provider, fallback adapter) of the eligible candidates, each with the first
     * candidate that has it, its share of the total, and the last total computed for it with the per-candidate
     * features (load, loaded model, health) that total came from. A few keys per decision, so a linear search
     * beats hashing.
     */
    private static final class Features {
        Candidate[] first = new Candidate[8];
        boolean[] ready = new boolean[8];
        double[] share = new double[8];
        boolean[] memo = new boolean[8];
        int[] busy = new int[8];
        int[] pages = new int[8];
        boolean[] loaded = new boolean[8];
        double[] health = new double[8];
        double[] total = new double[8];
        int size;

        int indexOf(Candidate c) {
            for (int k = 0; k < size; k++) {
                Candidate f = first[k];
                if (f.executionProvider() == c.executionProvider() && f.fallbackAdapter() == c.fallbackAdapter()
                        && same(f.backend(), c.backend()) && same(f.family(), c.family())) {
                    return k;
                }
            }
            if (size == first.length) {
                int grown = size * 2;
                first = Arrays.copyOf(first, grown);
                ready = Arrays.copyOf(ready, grown);
                share = Arrays.copyOf(share, grown);
                memo = Arrays.copyOf(memo, grown);
                busy = Arrays.copyOf(busy, grown);
                pages = Arrays.copyOf(pages, grown);
                loaded = Arrays.copyOf(loaded, grown);
                health = Arrays.copyOf(health, grown);
                total = Arrays.copyOf(total, grown);
            }
            first[size] = c;
            return size++;
        }

        private static boolean same(String a, String b) {
            return a == b || a.equals(b);
        }
    }
}
