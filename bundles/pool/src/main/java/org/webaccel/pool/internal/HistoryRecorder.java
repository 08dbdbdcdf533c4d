package org.webaccel.pool.internal;

import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.RejectedException;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.MetricsStore;

/**
 * Hands the outcome of every accepted request to the metrics store, when one is installed. The store
 * buffers and never blocks, so this runs on whichever thread completed the request. A result carries its
 * session-creation time in its timings; the memory of the browser that ran it is what the lifecycle step last
 * measured (a field read, no process is inspected here).
 */
final class HistoryRecorder {
    private final Supplier<MetricsStore> store;
    private final Function<String, String> browserVersion;
    private final ToLongFunction<String> residentBytes;

    /**
     * @param store the metrics store, or null while none is installed
     * @param browserVersion a backend's browser version
     * @param residentBytes the resident memory of the browser hosting a worker, -1 when not known
     */
    HistoryRecorder(Supplier<MetricsStore> store, Function<String, String> browserVersion,
            ToLongFunction<String> residentBytes) {
        this.store = store;
        this.browserVersion = browserVersion;
        this.residentBytes = residentBytes;
    }

    void record(PoolRequest r, InferenceResult result, Throwable error) {
        MetricsStore s = store.get();
        if (s == null) {
            return;
        }
        try {
            write(s, r, result, error);
        } catch (RuntimeException e) {
            // The history is worth less than the request that has already ended: never let it interfere.
            System.getLogger(HistoryRecorder.class.getName()).log(System.Logger.Level.WARNING,
                    "recording request " + r.id + " failed: " + e);
        }
    }

    private void write(MetricsStore s, PoolRequest r, InferenceResult result, Throwable error) {
        long inputBytes = r.inputBytes;
        int batch = r.batchSize;
        Instant now = Instant.now();
        if (result != null) {
            s.record(InferenceRecord.of(now, r.model, result, browserVersion.apply(result.backend()), batch,
                    inputBytes, residentBytes.applyAsLong(result.worker())));
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
