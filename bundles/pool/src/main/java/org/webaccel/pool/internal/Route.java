package org.webaccel.pool.internal;

import java.util.HashSet;
import java.util.Set;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;

/**
 * Where a request's next run may go: the provider to run on ({@link ExecutionProvider#AUTO} lets placement
 * choose), the backend the caller chose, and the backends that failed it. It changes only between runs, when a
 * run failed in a way that calls for another provider or another backend.
 *
 * @param ep the provider for the next run
 * @param avoid backends that could not run the model
 * @param fellBack whether the request fell back to wasm, so that placement does not choose again
 * @param backend the backend or family the caller required or preferred, or null for any
 */
record Route(ExecutionProvider ep, Set<String> avoid, boolean fellBack, BackendChoice backend) {

    Route {
        avoid = Set.copyOf(avoid);
    }

    static Route of(InferenceOptions options) {
        return new Route(options.executionProvider(), Set.of(), false, options.backend());
    }

    /**
     * @return whether a worker of this backend may run the request: not one that failed it, and one the caller
     *         required if the caller required one
     */
    boolean allows(String backendName, String family) {
        return !avoid.contains(backendName)
                && (backend == null || !backend.required() || backend.matches(backendName, family));
    }

    /** @return whether the caller prefers (without requiring) workers of this backend */
    boolean prefers(String backendName, String family) {
        return backend != null && !backend.required() && backend.matches(backendName, family);
    }

    /** @return the route after the provider could not run the model: wasm from now on */
    Route fallBackToWasm() {
        return new Route(ExecutionProvider.WASM, avoid, true, backend);
    }

    /** @return the route after the backend could not run the model on wasm either */
    Route avoiding(String failed) {
        Set<String> more = new HashSet<>(avoid);
        more.add(failed);
        return new Route(ep, more, fellBack, backend);
    }

    /** @return the route of the next run: placement chooses again when the caller left it to the pool */
    Route nextRun(ExecutionProvider requested) {
        return requested == ExecutionProvider.AUTO && !fellBack
                ? new Route(ExecutionProvider.AUTO, avoid, false, backend) : this;
    }
}
