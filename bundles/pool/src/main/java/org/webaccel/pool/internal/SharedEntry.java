package org.webaccel.pool.internal;

import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.transport.KeptTensor;

/**
 * What {@link SharedTensors} knows of one shared tensor: where it lives, who references it, whether it is
 * pinned, when it was last used. Guarded by the {@link SharedTensors} that holds it.
 */
final class SharedEntry {
    final String id;
    final String model;
    /** The worker whose page holds it; changes when the pool moves it to another page. */
    String worker;
    /** Its type, shape, size and location in the page. */
    KeptTensor kept;
    /** References held by callers ({@code retain}, and the one a keeping request creates). */
    int owners = 1;
    /** Requests that read it and have not ended yet. */
    int inFlight;
    boolean pinned;
    long lastUsedNanos = System.nanoTime();
    long lastUsedMillis = System.currentTimeMillis();

    SharedEntry(String id, String worker, String model, KeptTensor kept) {
        this.id = id;
        this.worker = worker;
        this.model = model;
        this.kept = kept;
    }

    void touch() {
        lastUsedNanos = System.nanoTime();
        lastUsedMillis = System.currentTimeMillis();
    }

    boolean evictable() {
        return owners == 0 && inFlight == 0 && !pinned;
    }

    SharedTensor snapshot() {
        return new SharedTensor(id, worker, model, kept.output(), kept.dtype(), kept.shape(), kept.byteSize(),
                kept.location(), owners + inFlight, pinned, lastUsedMillis);
    }
}
