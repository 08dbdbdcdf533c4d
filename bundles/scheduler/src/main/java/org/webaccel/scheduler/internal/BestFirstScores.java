package org.webaccel.scheduler.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.function.Supplier;
import org.webaccel.api.scheduling.Score;

/**
 * A ranking whose first score is known and whose rest is computed on first use. The pool reads only the first
 * score of a decision unless that worker's breaker refuses it, so the complete ranking (every candidate's parts,
 * the excluded ones' reasons, a sort) is paid for only by the callers that read it, such as {@code pool:explain}.
 * Immutable; the rest may be computed twice when two threads read it at once, with the same result.
 */
final class BestFirstScores extends AbstractList<Score> {
    private final Score first;
    private final int size;
    private final Supplier<List<Score>> all;
    private volatile List<Score> rest;

    /**
     * @param first the score the complete ranking lists first
     * @param size how many scores the complete ranking holds (one per candidate)
     * @param all computes the complete ranking: an immutable list whose first score equals {@code first}
     */
    BestFirstScores(Score first, int size, Supplier<List<Score>> all) {
        this.first = first;
        this.size = size;
        this.all = all;
    }

    @Override
    public Score get(int index) {
        if (index == 0) {
            return first;
        }
        List<Score> r = rest;
        if (r == null) {
            r = all.get();
            rest = r;
        }
        return r.get(index);
    }

    @Override
    public int size() {
        return size;
    }
}
