package org.webaccel.api.scheduling;

import java.util.Objects;
import org.webaccel.api.ExecutionProvider;

/**
 * A free worker and an execution provider it can run, as placement sees them. A worker that supports several
 * providers appears once per provider when the request leaves the provider to the pool.
 *
 * @param workerId the worker (page)
 * @param backend the backend that runs its browser, e.g. {@code chromium}
 * @param family the backend's browser family, e.g. {@code chromium}, {@code firefox}
 * @param executionProvider the provider the request would run on
 * @param modelLoaded whether the page already holds a session of the model on that provider
 * @param busyPagesInBrowser pages of the same browser running a request now
 * @param pagesInBrowser pages of the same browser
 * @param breakerOpen whether the worker's (or its backend's) circuit breaker is open
 * @param healthScore the worker's health score 0-100; 100 when no health monitor is installed
 * @param browserMemoryBytes resident memory of the worker's browser, or -1 when unknown
 * @param fallbackAdapter whether the provider is WebGPU on an adapter that reports itself as a fallback (a
 *        software one such as SwiftShader), which is rarely faster than wasm
 */
public record Candidate(String workerId, String backend, String family, ExecutionProvider executionProvider,
        boolean modelLoaded, int busyPagesInBrowser, int pagesInBrowser, boolean breakerOpen, double healthScore,
        long browserMemoryBytes, boolean fallbackAdapter) {

    /**
     * A candidate whose WebGPU adapter, if any, is not a fallback one.
     *
     * @param workerId the worker (page)
     * @param backend the backend that runs its browser
     * @param family the backend's browser family
     * @param executionProvider the provider the request would run on
     * @param modelLoaded whether the page already holds a session of the model on that provider
     * @param busyPagesInBrowser pages of the same browser running a request now
     * @param pagesInBrowser pages of the same browser
     * @param breakerOpen whether the worker's (or its backend's) circuit breaker is open
     * @param healthScore the worker's health score 0-100
     * @param browserMemoryBytes resident memory of the worker's browser, or -1 when unknown
     */
    public Candidate(String workerId, String backend, String family, ExecutionProvider executionProvider,
            boolean modelLoaded, int busyPagesInBrowser, int pagesInBrowser, boolean breakerOpen, double healthScore,
            long browserMemoryBytes) {
        this(workerId, backend, family, executionProvider, modelLoaded, busyPagesInBrowser, pagesInBrowser,
                breakerOpen, healthScore, browserMemoryBytes, false);
    }

    /** Checks the identifying fields. */
    public Candidate {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(executionProvider, "executionProvider");
    }
}
