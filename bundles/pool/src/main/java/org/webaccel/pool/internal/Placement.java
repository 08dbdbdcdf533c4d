package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * Which worker runs a request, on which provider. With a placement policy installed, the policy ranks every
 * free worker with every provider it could run (or just the one the request must run on) and the best
 * eligible one is taken; without one, a worker that holds the model already is preferred, and the pool's
 * choice of provider is wasm. A worker whose circuit breaker (or whose backend's) is open is never chosen; the
 * breaker is asked only about the worker about to be chosen, because asking uses up a half-open trial call. A
 * provider the model cannot be loaded on ({@link SessionFailures}) is never chosen for it.
 */
final class Placement {

    /** The worker and the provider the next run goes to. */
    record Choice(Worker worker, ExecutionProvider ep) {
    }

    private Placement() {
    }

    /**
     * @param t the request
     * @param free the workers that can take it now ({@link WorkerSet#withRoomFor})
     * @param monitor the breakers and health scores, or null
     * @param policy the placement policy, or null
     * @return the choice, or null when no free worker may take it
     */
    static Choice choose(Ticket t, List<Worker> free, HealthMonitor monitor, PlacementPolicy policy) {
        return choose(t, free, monitor, policy, new SessionFailures());
    }

    /**
     * @param failures the providers models cannot be loaded on: never chosen for them
     * @return as {@link #choose(Ticket, List, HealthMonitor, PlacementPolicy)}, leaving out every provider the
     *         request's model cannot be loaded on
     */
    static Choice choose(Ticket t, List<Worker> free, HealthMonitor monitor, PlacementPolicy policy,
            SessionFailures failures) {
        if (free.isEmpty()) {
            return null;
        }
        PoolRequest r = t.request;
        String model = r.model.id();
        ExecutionProvider wanted = t.route.ep();
        if (policy == null) {
            // The pool's own choice is wasm; another provider only when the model cannot be loaded on wasm.
            List<ExecutionProvider> eps = wanted == ExecutionProvider.AUTO ? SessionFailures.PROVIDERS : List.of(wanted);
            for (ExecutionProvider ep : eps) {
                String key = Worker.sessionKey(r, ep);
                List<Worker> ordered = new ArrayList<>(free);
                ordered.sort(Comparator.comparing(w -> !w.loaded.contains(key)));
                for (Worker w : ordered) {
                    if (w.supports(ep) && allows(monitor, w) && failures.loadable(model, w.host.backend, ep)) {
                        return new Choice(w, ep);
                    }
                }
            }
            return null;
        }
        ExecutionProvider[] eps = ExecutionProvider.values();
        // What does not change from worker to worker is looked up once per decision.
        String[] sessionKeys = new String[eps.length];
        boolean[] offered = new boolean[eps.length];
        for (ExecutionProvider ep : eps) {
            sessionKeys[ep.ordinal()] = Worker.sessionKey(r, ep);
            offered[ep.ordinal()] = ep != ExecutionProvider.AUTO
                    && (wanted == ExecutionProvider.AUTO || wanted == ep);
        }
        // Failures are recorded per backend and provider: looked up per worker only for a model that has any.
        boolean modelFailed = failures.hasAny(model);
        List<Candidate> candidates = new ArrayList<>(free.size() * 2);
        BrowserHost host = null;
        int busy = 0;
        for (Worker w : free) {
            if (w.host != host) {
                // Pages of one browser mostly come one after another and share the count of busy siblings.
                host = w.host;
                busy = busySiblings(w);
            }
            for (ExecutionProvider ep : eps) {
                if (offered[ep.ordinal()] && w.supports(ep)
                        && (!modelFailed || failures.loadable(model, w.host.backend, ep))) {
                    candidates.add(candidate(w, ep, w.loaded.contains(sessionKeys[ep.ordinal()]), busy, monitor));
                }
            }
        }
        for (Score s : policy.rank(new PlacementRequest(r.model, wanted), candidates)) {
            if (!s.eligible()) {
                break;
            }
            Worker w = owner(free, s.candidate().workerId());
            if (w != null && allows(monitor, w)) {
                return new Choice(w, s.candidate().executionProvider());
            }
        }
        return null;
    }

    /**
     * @return the free worker with this id, or null. A linear search: a decision usually looks up one worker,
     *         and the id a candidate carries is the worker's own string, so the first loop compares references.
     */
    private static Worker owner(List<Worker> free, String id) {
        for (Worker w : free) {
            if (w.id == id) {
                return w;
            }
        }
        for (Worker w : free) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        return null;
    }

    private static boolean allows(HealthMonitor monitor, Worker w) {
        return monitor == null || monitor.allows(w.id, w.host.backend);
    }

    private static int busySiblings(Worker w) {
        int busy = 0;
        for (Worker sibling : w.host.workers) {
            busy += sibling.isBusy() ? 1 : 0;
        }
        return busy;
    }

    private static Candidate candidate(Worker w, ExecutionProvider ep, boolean loaded, int busy,
            HealthMonitor monitor) {
        BrowserHost h = w.host;
        boolean open = false;
        double score = 100;
        if (monitor != null) {
            open = monitor.workerBreaker(w.id).map(b -> b.phase() == BreakerState.Phase.OPEN).orElse(false)
                    || monitor.backendBreaker(h.backend).map(b -> b.phase() == BreakerState.Phase.OPEN).orElse(false);
            score = monitor.workerHealth(w.id).map(HealthScore::score).orElse(100);
        }
        boolean fallbackAdapter = ep == ExecutionProvider.WEBGPU && w.channel.capabilities().webgpu().fallback();
        return new Candidate(w.id, h.backend, h.family, ep, loaded, busy,
                h.workers.size(), open, score, h.residentBytes, fallbackAdapter);
    }
}
