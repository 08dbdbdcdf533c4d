package org.webaccel.api.scheduling;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides where a request runs. The pool calls it while it holds its dispatch lock, for every request it is
 * about to place, so an implementation must answer from memory at once: no I/O, no waiting (read history
 * from a cache refreshed elsewhere).
 */
@ConsumerType
public interface PlacementPolicy {

    /**
     * @param request what is to be placed
     * @param candidates the free workers, each with a provider it can run
     * @return a score for every candidate: the eligible ones first, best first, then the excluded ones
     */
    List<Score> rank(PlacementRequest request, List<Candidate> candidates);
}
