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
 */
public record BackendStatus(BackendDescription description, int browsers, int workers, String lastError,
        PageCapabilities capabilities, boolean draining) {
}
