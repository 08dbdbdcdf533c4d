package org.webaccel.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The memory the pool's requests hold: the inputs of requests queued and running, and the results their
 * callers have not delivered yet (an HTTP response still being written to a slow client, say). It is bounded
 * by a budget, not by time: past the budget the pool rejects new requests at once, as it does when its queue
 * is full, and a request that ends gives its bytes back at once.
 */
@ProviderType
public interface RequestMemory {

    /** @return the budget, in bytes */
    long budgetBytes();

    /** @return the bytes held now */
    long heldBytes();

    /**
     * Counts bytes a caller holds for the pool's requests until the returned hold is closed, such as a result
     * waiting to be written to its client. It never refuses: what is held makes new requests wait for room.
     *
     * @param bytes how many bytes
     * @return the hold; closing it more than once releases the bytes once
     */
    Hold hold(long bytes);

    /** Bytes counted until closed. */
    @ProviderType
    interface Hold extends AutoCloseable {
        /** Gives the bytes back. */
        @Override
        void close();
    }
}
