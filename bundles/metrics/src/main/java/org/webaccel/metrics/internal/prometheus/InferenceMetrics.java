package org.webaccel.metrics.internal.prometheus;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import org.osgi.service.component.annotations.Component;
import org.webaccel.api.metrics.InferenceRecord;

/**
 * Latency histograms and outcome counters of every inference the metrics store is given, for the Prometheus
 * endpoint. The store calls {@link #observe} on the caller's thread: a few atomic updates, no I/O.
 */
@Component(service = InferenceMetrics.class)
public final class InferenceMetrics {
    /** Bucket bounds in seconds: from a small wasm model on a warm page to a large one on SwiftShader. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private static final String[] SERIES = {"model", "version", "precision", "backend", "execution_provider"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram total;
    private final Histogram compute;
    private final Histogram queued;
    private final Counter outcomes;

    /** Creates the histograms and counters, empty. */
    public InferenceMetrics() {
        total = histogram("webaccel_inference_duration_seconds",
                "Time from submission to result of successful inferences");
        compute = histogram("webaccel_inference_compute_seconds",
                "Time of the model run inside the browser page (session.run) of successful inferences");
        queued = histogram("webaccel_inference_queued_seconds",
                "Time successful inferences waited in the queue for a worker");
        outcomes = Counter.builder().name("webaccel_inferences_total")
                .help("Inferences ended, by outcome: success, or the failure class")
                .labelNames("model", "version", "precision", "backend", "execution_provider", "outcome")
                .register(registry);
    }

    private Histogram histogram(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(SERIES).classicOnly()
                .classicUpperBounds(BUCKETS).register(registry);
    }

    /**
     * Counts one inference and, when it succeeded, adds its times to the histograms.
     *
     * @param r the record the pool handed to the store
     */
    public void observe(InferenceRecord r) {
        String backend = r.backend().isEmpty() ? "none" : r.backend();
        String[] labels = {r.model(), r.version(), r.precision(), backend, r.executionProvider().id()};
        String outcome = r.succeeded() ? "success" : r.failure();
        outcomes.labelValues(labels[0], labels[1], labels[2], labels[3], labels[4], outcome).inc();
        if (r.succeeded()) {
            total.labelValues(labels).observe(r.totalMs() / 1000);
            compute.labelValues(labels).observe(r.computeMs() / 1000);
            queued.labelValues(labels).observe(r.queuedMs() / 1000);
        }
    }

    /** @return the current values of the histograms and counters */
    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
