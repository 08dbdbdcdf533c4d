package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.webaccel.testing.Await;

/**
 * {@code /metrics} of the built distribution, started as a process: after real inferences through the
 * inference endpoint, the latency histogram and counters of the model have grown by exactly those inferences,
 * and the pool, backend, breaker and recording samples describe the running container.
 */
public class PrometheusEndpointTest {
    private static DistributionProcess container;
    private static ProtocolClient client;

    @BeforeClass
    public static void startTheContainer() throws Exception {
        container = DistributionProcess.start(home -> Files.writeString(home.resolve("conf/org.webaccel.pool.config"),
                "minWorkers = I\"1\"\n"));
        client = new ProtocolClient(container.base());
        ImageRequests.awaitReady(container, client);
    }

    @AfterClass
    public static void stopTheContainer() {
        if (container != null) {
            container.close();
        }
    }

    private static String scrape() throws Exception {
        HttpResponse<byte[]> r = client.get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String scrapeNow() {
        try {
            return scrape();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sum of the samples of {@code metric} whose labels contain every one of {@code labels}. */
    private static OptionalDouble sum(String text, String metric, String... labels) {
        return PrometheusText.sum(text, metric, labels);
    }

    @Test
    public void inferencesShowUpInTheHistogramsAndCounters() throws Exception {
        String model = "model=\"image-classifier\"";
        String before = scrape();
        double countBefore = sum(before, "webaccel_inference_duration_seconds_count", model).orElse(0);
        double succeededBefore = sum(before, "webaccel_pool_requests_succeeded_total").orElseThrow();

        ImageRequests.run(client, 4, 100);

        // the pool records an inference just after answering it: the scrape may come first
        String after = Await.value("4 more inferences in the histogram", PrometheusEndpointTest::scrapeNow,
                text -> sum(text, "webaccel_inference_duration_seconds_count", model).orElse(0) >= countBefore + 4);
        assertEquals(after, countBefore + 4, sum(after, "webaccel_inference_duration_seconds_count", model)
                .orElse(0), 0);
        assertEquals(after, countBefore + 4, sum(after, "webaccel_inference_duration_seconds_bucket", model,
                "le=\"+Inf\"").orElse(0), 0);
        assertEquals(after, countBefore + 4, sum(after, "webaccel_inference_compute_seconds_count", model,
                "execution_provider=\"wasm\"", "precision=\"fp32\"").orElse(0), 0);
        assertTrue(after, sum(after, "webaccel_inference_duration_seconds_sum", model).orElse(0) > 0);
        assertEquals(after, countBefore + 4, sum(after, "webaccel_inferences_total", model, "outcome=\"success\"")
                .orElse(0), 0);
        assertEquals(after, succeededBefore + 4, sum(after, "webaccel_pool_requests_succeeded_total").orElseThrow(),
                0);

        // the live state of the container
        assertTrue(after, sum(after, "webaccel_pool_workers_connected").orElse(0) >= 1);
        assertEquals(after, 0, sum(after, "webaccel_pool_queue_length").orElseThrow(), 0);
        assertEquals(after, 256, sum(after, "webaccel_pool_queue_capacity").orElseThrow(), 0);
        assertEquals(after, 1, sum(after, "webaccel_backend_available", "backend=\"chromium\"").orElseThrow(), 0);
        assertEquals(after, 0, sum(after, "webaccel_backend_available", "backend=\"edge\"").orElseThrow(), 0);
        // the breaker feature is in the distribution: the backend that served has a closed breaker
        String backend = backendThatServed(after);
        assertEquals(after, 1, sum(after, "webaccel_breaker_state", "scope=\"backend\"", "id=\"" + backend + "\"",
                "state=\"closed\"").orElseThrow(), 0);
        assertEquals(after, 0, sum(after, "webaccel_breaker_state", "scope=\"backend\"", "id=\"" + backend + "\"",
                "state=\"open\"").orElseThrow(), 0);
        assertTrue(after, sum(after, "webaccel_health_score", "scope=\"backend\"", "id=\"" + backend + "\"")
                .orElseThrow() > 0);
        assertTrue(after, sum(after, "webaccel_metrics_records_total", "state=\"accepted\"").orElseThrow() >= 4);
        assertEquals(after, 0, sum(after, "webaccel_metrics_records_total", "state=\"dropped\"").orElseThrow(), 0);
        assertEquals(after, 1, sum(after, "webaccel_metrics_database_available").orElseThrow(), 0);
    }

    @Test
    public void onlyGetIsAllowed() throws Exception {
        HttpResponse<byte[]> r = client.send("DELETE", "/metrics");
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""));
    }

    private static String backendThatServed(String text) {
        Matcher m = Pattern.compile("^webaccel_inference_duration_seconds_count\\{backend=\"([^\"]+)\"[^}]*"
                + "model=\"image-classifier\"", Pattern.MULTILINE).matcher(text);
        assertTrue(text, m.find());
        return m.group(1);
    }
}
