package org.webaccel.scheduler.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.MetricsUnavailableException;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.metrics.Trend;

/** A metrics store that answers fixed summaries, or fails when told to, and counts the queries. */
final class FixedMetricsStore implements MetricsStore {
    volatile List<Summary> summaries;
    volatile boolean unavailable;
    volatile Duration lastWindow;
    final AtomicInteger queries = new AtomicInteger();

    FixedMetricsStore(List<Summary> summaries) {
        this.summaries = summaries;
    }

    @Override
    public List<Summary> summaries(Duration window) {
        queries.incrementAndGet();
        lastWindow = window;
        if (unavailable) {
            throw new MetricsUnavailableException("database locked", null);
        }
        return summaries;
    }

    @Override
    public void record(InferenceRecord record) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Recommendation> recommend(org.webaccel.api.model.ModelType type) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Trend> trends(Duration recent, Duration baseline) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Trend> trends() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<InferenceRecord> history(String model, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<org.webaccel.api.metrics.LatencyPoint> timeline(Duration window, Duration step) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RecordingStatus status() {
        throw new UnsupportedOperationException();
    }
}
