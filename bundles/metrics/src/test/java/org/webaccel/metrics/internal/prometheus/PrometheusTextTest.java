package org.webaccel.metrics.internal.prometheus;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.model.ModelType;

/** The histograms and counters the store fills, as the Prometheus text format shows them. */
public class PrometheusTextTest {

    private static InferenceRecord record(String backend, double totalMs, String failure) {
        return new InferenceRecord(Instant.now(), "bert", "1", ModelType.TEXT_EMBEDDING, backend, "156.0",
                ExecutionProvider.WASM, "w1", 1, 1, 1, totalMs - 2, totalMs, failure, 100, "fp16");
    }

    private static String text(InferenceMetrics m) throws Exception {
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        for (MetricSnapshot s : m.scrape()) {
            b.metricSnapshot(s);
        }
        new PlatformCollectors(() -> null, () -> null, () -> null).scrape().forEach(b::metricSnapshot);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, b.build());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void successesFillTheHistogramsAndEveryOutcomeIsCounted() throws Exception {
        InferenceMetrics m = new InferenceMetrics();
        m.observe(record("chromium", 20, null));
        m.observe(record("chromium", 70, null));
        m.observe(record("chromium", 3000, null));
        m.observe(record("", 900, "DeadlineExceededException"));
        String text = text(m);
        String series = "backend=\"chromium\",execution_provider=\"wasm\",model=\"bert\",precision=\"fp16\","
                + "version=\"1\"";
        assertTrue(text, text.contains("# TYPE webaccel_inference_duration_seconds histogram"));
        assertTrue(text, text.contains("webaccel_inference_duration_seconds_bucket{" + series + ",le=\"0.025\"} 1\n"));
        assertTrue(text, text.contains("webaccel_inference_duration_seconds_bucket{" + series + ",le=\"0.1\"} 2\n"));
        assertTrue(text, text.contains("webaccel_inference_duration_seconds_bucket{" + series + ",le=\"5.0\"} 3\n"));
        assertTrue(text, text.contains("webaccel_inference_duration_seconds_count{" + series + "} 3\n"));
        assertTrue(text, text.contains("webaccel_inference_duration_seconds_sum{" + series + "} 3.09\n"));
        assertTrue(text, text.contains("webaccel_inference_compute_seconds_count{" + series + "} 3\n"));
        assertTrue(text, text.contains("# TYPE webaccel_inferences_total counter"));
        assertTrue(text, text.contains("webaccel_inferences_total{backend=\"chromium\",execution_provider=\"wasm\","
                + "model=\"bert\",outcome=\"success\",precision=\"fp16\",version=\"1\"} 3.0\n"));
        assertTrue(text, text.contains("webaccel_inferences_total{backend=\"none\",execution_provider=\"wasm\","
                + "model=\"bert\",outcome=\"DeadlineExceededException\",precision=\"fp16\",version=\"1\"} 1.0\n"));
        assertFalse("a failure has no latency sample", text.contains("backend=\"none\",execution_provider=\"wasm\","
                + "model=\"bert\",precision=\"fp16\",version=\"1\",le="));
        assertFalse("no pool, no pool samples", text.contains("webaccel_pool_queue_length "));
    }
}
