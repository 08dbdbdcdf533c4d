package org.webaccel.api.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.webaccel.api.model.ModelType;

/**
 * The performance history of the platform: every inference leaves an {@link InferenceRecord}, and the store
 * answers summaries, recommendations and trend verdicts from that history.
 */
@org.osgi.annotation.versioning.ProviderType
public interface MetricsStore {

    /**
     * Takes one record for writing later. Never blocks and never throws: when the buffer is full or the
     * database is unavailable the record is dropped and counted in {@link #status()}, so recording can never
     * slow or fail an inference.
     *
     * @param record the inference to keep
     */
    void record(InferenceRecord record);

    /**
     * @param window how far back from now to look
     * @return one summary per (model, version, backend, execution provider) that has records in the window,
     *         ordered by model, backend and provider
     * @throws MetricsUnavailableException when the database cannot be read
     */
    List<Summary> summaries(Duration window);

    /**
     * @param type a model type
     * @return the backend and execution provider that served models of this type fastest over the store's
     *         recommendation window, or empty when no candidate has enough successful samples
     * @throws MetricsUnavailableException when the database cannot be read
     */
    Optional<Recommendation> recommend(ModelType type);

    /**
     * Compares the recent window {@code [now - recent, now)} with the baseline window
     * {@code [now - recent - baseline, now - recent)} for every (model, version, backend, execution provider)
     * with records in both.
     *
     * @param recent length of the recent window
     * @param baseline length of the baseline window before it
     * @return one verdict per series
     * @throws MetricsUnavailableException when the database cannot be read
     */
    List<Trend> trends(Duration recent, Duration baseline);

    /**
     * @return {@link #trends(Duration, Duration)} over the store's configured windows
     * @throws MetricsUnavailableException when the database cannot be read
     */
    List<Trend> trends();

    /**
     * Compares the recent window with the baseline window before it, as {@link #trends(Duration, Duration)}
     * does for latency, for any metric.
     *
     * @param metric what to compare
     * @param recent length of the recent window
     * @param baseline length of the baseline window before it
     * @return one verdict per series with samples of the metric in both windows; a store that does not keep
     *         a metric returns none for it
     * @throws MetricsUnavailableException when the database cannot be read
     * @since 1.2
     */
    default List<Trend> trends(Metric metric, Duration recent, Duration baseline) {
        return metric == Metric.LATENCY ? trends(recent, baseline) : List.of();
    }

    /**
     * @param metric what to compare
     * @return {@link #trends(Metric, Duration, Duration)} over the store's configured windows
     * @throws MetricsUnavailableException when the database cannot be read
     * @since 1.2
     */
    default List<Trend> trends(Metric metric) {
        return metric == Metric.LATENCY ? trends() : List.of();
    }

    /**
     * The latest records of one model, as written to the database (records still buffered are not included).
     *
     * @param model {@code name} (every version) or {@code name:version}
     * @param limit the most records to return, at least 1
     * @return the records, newest first; empty when the model has none
     * @throws IllegalArgumentException when {@code limit} is below 1 or {@code model} is blank
     * @throws MetricsUnavailableException when the database cannot be read
     */
    List<InferenceRecord> history(String model, int limit);

    /**
     * Latency over time: the window cut into steps, one point per step and (model, backend, execution
     * provider) that has records in it.
     *
     * @param window how far back from now to look
     * @param step the length of one step; the window holds at most 10,000 steps
     * @return the points, oldest first
     * @throws IllegalArgumentException when window or step is not positive, or the window holds too many steps
     * @throws MetricsUnavailableException when the database cannot be read
     */
    List<LatencyPoint> timeline(Duration window, Duration step);

    /** @return counters of the recording path; never throws */
    RecordingStatus status();
}
