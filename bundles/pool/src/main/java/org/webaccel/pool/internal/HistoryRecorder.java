package org.webaccel.pool.internal;

import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.RejectedException;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.MetricsStore;

/**
 * Hands the outcome of every accepted request to the metrics store, when one is installed. The store
 * buffers and never blocks, so this runs on whichever thread completed the request. A result carries its
 * session-creation time in its timings; the memory of the browser that ran it is what the lifecycle step last
 * measured, carried by the run (no process is inspected here).
 */
final class HistoryRecorder {
    private final Supplier<MetricsStore> store;
    private final Function<String, String> browserVersion;

    /**
     * @param store the metrics store, or null while none is installed
     * @param browserVersion a backend's browser version
     */
    HistoryRecorder(Supplier<MetricsStore> store, Function<String, String> browserVersion) {
        this.store = store;
        this.browserVersion = browserVersion;
    }

    void record(PoolRequest r, Ran ran, Throwable error) {
        MetricsStore s = store.get();
        if (s == null) {
            return;
        }
        try {
            write(s, r, ran, error);
        } catch (RuntimeException e) {
            // The history is worth less than the request that has already ended: never let it interfere.
            System.getLogger(HistoryRecorder.class.getName()).log(System.Logger.Level.WARNING,
                    "recording request " + r.id + " failed: " + e);
        }
    }

    private void write(MetricsStore s, PoolRequest r, Ran ran, Throwable error) {
        long inputBytes = r.inputBytes;
        int batch = r.batchSize;
        Instant now = Instant.now();
        if (ran != null) {
            InferenceResult result = ran.result();
            s.record(InferenceRecord.of(now, r.model, result, browserVersion.apply(result.backend()), batch,
                    inputBytes, ran.browserResidentBytes()));
            return;
        }
        Throwable cause = Dispatcher.unwrap(error);
        if (cause instanceof RejectedException) {
            return; // never accepted: the pool's counters and Prometheus count it, the inference history does not
        }
        double totalMs = (System.nanoTime() - r.submittedNanos) / 1e6;
        s.record(new InferenceRecord(now, r.model.name(), r.model.version(), r.model.type(), "", "",
                r.options.executionProvider(), "", batch, 0, 0, 0, totalMs,
                cause instanceof org.webaccel.api.InferenceException ie ? ie.failureClass().id()
                        : cause.getClass().getSimpleName(), inputBytes, r.model.precision()));
    }
}
