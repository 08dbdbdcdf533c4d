package org.webaccel.api;

import org.webaccel.api.spi.BackendDescription;

/**
 * A backend as the pool sees it.
 *
 * @param description what the backend says of itself
 * @param browsers browsers the pool runs on it
 * @param workers pages the pool runs on it
 * @param lastError the last launch or page error, or null
 */
public record BackendStatus(BackendDescription description, int browsers, int workers, String lastError) {
}
