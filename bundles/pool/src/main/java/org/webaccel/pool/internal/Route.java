package org.webaccel.pool.internal;

import java.util.HashSet;
import java.util.Set;
import org.webaccel.api.ExecutionProvider;

/**
 * Where a request's next run may go: the provider to run on ({@link ExecutionProvider#AUTO} lets placement
 * choose) and the backends that failed it. It changes only between runs, when a run failed in a way that
 * calls for another provider or another backend.
 *
 * @param ep the provider for the next run
 * @param avoid backends that could not run the model
 * @param fellBack whether the request fell back to wasm, so that placement does not choose again
 */
record Route(ExecutionProvider ep, Set<String> avoid, boolean fellBack) {

    Route {
        avoid = Set.copyOf(avoid);
    }

    static Route of(ExecutionProvider requested) {
        return new Route(requested, Set.of(), false);
    }

    /** @return the route after the provider could not run the model: wasm from now on */
    Route fallBackToWasm() {
        return new Route(ExecutionProvider.WASM, avoid, true);
    }

    /** @return the route after the backend could not run the model on wasm either */
    Route avoiding(String backend) {
        Set<String> more = new HashSet<>(avoid);
        more.add(backend);
        return new Route(ep, more, fellBack);
    }

    /** @return the route of the next run: placement chooses again when the caller left it to the pool */
    Route nextRun(ExecutionProvider requested) {
        return requested == ExecutionProvider.AUTO && !fellBack ? new Route(ExecutionProvider.AUTO, avoid, false)
                : this;
    }
}
