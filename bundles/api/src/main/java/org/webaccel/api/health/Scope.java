package org.webaccel.api.health;

/**
 * What a {@link BreakerState} or {@link HealthScore} describes.
 */
public enum Scope {
    /** One worker: a page in a browser. */
    WORKER,
    /** One backend, over all of its workers. */
    BACKEND
}
