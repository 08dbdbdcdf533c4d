package org.webaccel.api;

import java.util.List;

/**
 * One worker: a page in a browser, connected to the pool.
 *
 * @param id the worker id
 * @param backend the backend that launched its browser
 * @param browser the id of its browser
 * @param state {@code starting}, {@code idle}, {@code busy} or {@code closed}
 * @param capabilities what the page reported, or null while starting
 * @param loadedModels the model sessions the page holds, as {@code name:version@ep}
 * @param served requests completed by this worker
 * @param browserPid the process id of its browser, or -1 when the backend does not know it (a remote browser)
 * @param browserResidentBytes the resident memory of its browser with the browser's helper processes, as the
 *        pool read it at its last lifecycle step, or -1 when unknown (a remote browser, or not read yet)
 */
public record WorkerInfo(String id, String backend, String browser, String state, PageCapabilities capabilities,
        List<String> loadedModels, long served, long browserPid, long browserResidentBytes) {

    /** A worker whose browser's memory is not known. */
    public WorkerInfo(String id, String backend, String browser, String state, PageCapabilities capabilities,
            List<String> loadedModels, long served, long browserPid) {
        this(id, backend, browser, state, capabilities, loadedModels, served, browserPid, -1);
    }
}
