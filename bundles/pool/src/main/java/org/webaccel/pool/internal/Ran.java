package org.webaccel.pool.internal;

import java.util.List;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.transport.KeptTensor;
import org.webaccel.api.transport.WorkerChannel;

/**
 * A request's successful run: its result, and the outputs its page kept (with the page's channel) when the
 * request shared tensors with its page.
 *
 * @param result the result
 * @param kept what the page kept, or empty
 * @param keptOn the channel of the page that ran it, when the request shared tensors with it (read, kept or
 *        adopted some); else null
 * @param browserResidentBytes the resident memory of the browser that ran it, as last measured, or -1
 */
record Ran(InferenceResult result, List<KeptTensor> kept, WorkerChannel keptOn, long browserResidentBytes) {
    Ran {
        kept = List.copyOf(kept);
    }
}
