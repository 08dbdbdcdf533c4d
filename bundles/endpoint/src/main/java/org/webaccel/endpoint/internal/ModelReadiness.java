package org.webaccel.endpoint.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.WorkerInfo;

/**
 * Whether a model is ready for inference, as the protocol's model-ready endpoint answers: a page is connected,
 * and one of the providers the connected pages offer can load the model (the pool records those it cannot:
 * {@link SessionFailure}). Pages load a model on its first request, so a model no page has tried is ready.
 *
 * @param ready whether requests for the model can be served now
 * @param reason why not, or {@code ""} when ready
 */
record ModelReadiness(boolean ready, String reason) {
    private static final List<ExecutionProvider> PROVIDERS = List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU,
            ExecutionProvider.WEBNN);

    /**
     * @param model the model as {@code name:version}
     * @param workers the pool's workers
     * @param failures the providers models cannot be loaded on
     * @return the answer
     */
    static ModelReadiness of(String model, List<WorkerInfo> workers, List<SessionFailure> failures) {
        // what the pages offer, as "backend provider" pairs: a failure is recorded per backend and provider
        Set<String> offered = new HashSet<>();
        for (WorkerInfo w : workers) {
            if (w.capabilities() != null) {
                PROVIDERS.stream().filter(w.capabilities()::supports).forEach(ep -> offered.add(w.backend() + " " + ep));
            }
        }
        if (offered.isEmpty()) {
            return new ModelReadiness(false, "no page is connected");
        }
        List<SessionFailure> mine = failures.stream().filter(f -> f.model().equals(model)
                && offered.contains(f.backend() + " " + f.provider())).toList();
        if (mine.size() < offered.size()) {
            return new ModelReadiness(true, "");
        }
        return new ModelReadiness(false, mine.stream().map(SessionFailure::toString)
                .collect(Collectors.joining("; ")));
    }
}
