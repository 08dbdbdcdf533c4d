package org.webaccel.scheduler.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.scheduling.Candidate;

/**
 * Turns the pool's public view of its workers into placement candidates: one per connected worker and
 * execution provider its page supports. Busy workers are included, since explaining a placement is about
 * where a model would go, not only where it can go this instant.
 */
final class WorkerCandidates {

    /** Breakers and health scores; {@link #NONE} when no health monitor is installed. */
    interface Health {
        Health NONE = new Health() {
            @Override
            public boolean breakerOpen(String workerId, String backend) {
                return false;
            }

            @Override
            public double score(String workerId) {
                return 100;
            }
        };

        /** @return whether the worker's or its backend's breaker is open */
        boolean breakerOpen(String workerId, String backend);

        /** @return the worker's health score 0-100 */
        double score(String workerId);
    }

    static final List<ExecutionProvider> PROVIDERS =
            List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU, ExecutionProvider.WEBNN);

    private final Map<String, String> familyByBackend;
    private final Health health;
    private final ToLongFunction<WorkerInfo> browserMemory;

    /**
     * @param familyByBackend each backend's browser family; a backend not in it counts as its own family
     * @param health breakers and scores
     * @param browserMemory resident bytes of a worker's browser, or -1 when unknown; asked once per browser
     */
    WorkerCandidates(Map<String, String> familyByBackend, Health health, ToLongFunction<WorkerInfo> browserMemory) {
        this.familyByBackend = Map.copyOf(familyByBackend);
        this.health = health;
        this.browserMemory = browserMemory;
    }

    /** @return true for a worker that has connected and is not closed */
    static boolean connected(WorkerInfo w) {
        return w.capabilities() != null && ("idle".equals(w.state()) || "busy".equals(w.state()));
    }

    List<Candidate> of(ModelDescriptor model, List<WorkerInfo> workers) {
        Map<String, Integer> pages = new HashMap<>();
        Map<String, Integer> busy = new HashMap<>();
        for (WorkerInfo w : workers) {
            if (connected(w)) {
                pages.merge(w.browser(), 1, Integer::sum);
                if ("busy".equals(w.state())) {
                    busy.merge(w.browser(), 1, Integer::sum);
                }
            }
        }
        Map<String, Long> memory = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (WorkerInfo w : workers) {
            if (!connected(w)) {
                continue;
            }
            long bytes = memory.computeIfAbsent(w.browser(), b -> browserMemory.applyAsLong(w));
            String family = familyByBackend.getOrDefault(w.backend(), w.backend());
            boolean breakerOpen = health.breakerOpen(w.id(), w.backend());
            double score = health.score(w.id());
            for (ExecutionProvider ep : PROVIDERS) {
                if (!w.capabilities().supports(ep)) {
                    continue;
                }
                String session = model.name() + ":" + model.version() + "@" + ep.id();
                candidates.add(new Candidate(w.id(), w.backend(), family, ep, w.loadedModels() != null
                        && w.loadedModels().contains(session), busy.getOrDefault(w.browser(), 0),
                        pages.get(w.browser()), breakerOpen, score, bytes,
                        ep == ExecutionProvider.WEBGPU && w.capabilities().webgpu().fallback()));
            }
        }
        return candidates;
    }
}
