package org.webaccel.api;

import org.webaccel.api.spi.BackendDescription;

/**
 * A backend as the pool sees it.
 *
 * @param description what the backend says of itself
 * @param browsers browsers the pool runs on it
 * @param workers pages the pool runs on it (connected or starting)
 * @param lastError the last launch or page error, or null
 * @param capabilities what one of its connected pages reported (WebGPU adapter, WebNN, wasm), or null when
 *        none has connected
 * @param draining true while the backend takes no new work (drained, or being removed)
 * @param failedLaunches browser launches that failed in a row; 0 when the last one worked
 * @param outOfService why the pool has taken the backend out of service after too many failed launches in a
 *        row (it keeps trying, and the first launch that works brings it back), or null
 */
public record BackendStatus(BackendDescription description, int browsers, int workers, String lastError,
        PageCapabilities capabilities, boolean draining, int failedLaunches, String outOfService) {

    /** A backend's state in one word, as {@link #state()} gives it. */
    public static final String AVAILABLE = "available";
    /** Its launches fail, not yet often enough to take it out of service; it keeps trying. */
    public static final String RETRYING = "retrying";
    /** It takes no new work. */
    public static final String DRAINING = "draining";
    /** It cannot serve: its browser is missing, or its launches failed too often in a row. */
    public static final String UNAVAILABLE = "unavailable";

    /**
     * A backend whose launches have not failed.
     *
     * @param description what the backend says of itself
     * @param browsers browsers the pool runs on it
     * @param workers pages the pool runs on it
     * @param lastError the last launch or page error, or null
     * @param capabilities what one of its pages reported, or null
     * @param draining true while the backend takes no new work
     */
    public BackendStatus(BackendDescription description, int browsers, int workers, String lastError,
            PageCapabilities capabilities, boolean draining) {
        this(description, browsers, workers, lastError, capabilities, draining, 0, null);
    }

    /** @return whether the backend serves or can: its browser was found and it is not out of service */
    public boolean available() {
        return description.available() && outOfService == null;
    }

    /** @return why the backend cannot serve, or null when it can */
    public String unavailableReason() {
        return !description.available() ? description.reason() : outOfService;
    }

    /** @return {@link #AVAILABLE}, {@link #RETRYING}, {@link #DRAINING} or {@link #UNAVAILABLE} */
    public String state() {
        if (!available()) {
            return UNAVAILABLE;
        }
        if (draining) {
            return DRAINING;
        }
        return failedLaunches > 0 ? RETRYING : AVAILABLE;
    }
}
