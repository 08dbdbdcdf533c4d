package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.Trend;
import org.webaccel.api.metrics.Trend.Direction;
import org.webaccel.api.model.ModelType;
import org.webaccel.metrics.internal.shell.ReportCommands;

/**
 * Trends of every metric over a real DuckDB file with a known history: on chromium, memory grew, loading got
 * slower, throughput rose and errors went up; firefox stayed as it was in every metric and must not be called.
 * Baseline window: 1 to 8 days ago, with records from 2 to 7 days ago only (its empty days must not look like
 * a throughput drop); recent: the last day; one hour steps for throughput.
 */
public class MetricTrendsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DuckDbMetricsStore store;
    private ReportCommands commands;
    private int written;

    @Before
    public void fill() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("metrics.duckdb");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = new DuckDbMetricsStore(settings(db, 20_000), clock);
        commands = new ReportCommands(store, clock);
        Random rnd = new Random(11);
        // baseline: every hour from 48 h to 168 h ago; recent: every hour of the last day
        for (int h = 48; h < 168; h++) {
            hour(rnd, h, "chromium", 4, 2, 400, 1000);
            hour(rnd, h, "firefox", 4, 10, 500, 1500);
        }
        for (int h = 0; h < 24; h++) {
            hour(rnd, h, "chromium", 12, 25, 600, 2000);
            hour(rnd, h, "firefox", 4, 10, 500, 1500);
        }
        int expected = written;
        await(expected + " written", () -> store.status().written() == expected);
    }

    /**
     * One hour of a backend's history.
     *
     * @param perHour successful inferences in the hour, followed by 10 more requests that may fail
     * @param errorPercent with 25, each of the 10 fails at random with that chance; with 10 (the steady
     *        backend), 0, 1, 2 and 1 of them fail in turn, hour by hour: the same spread in both windows, so
     *        that the steady backend is steady by construction and not by the luck of a seed
     * @param memoryMib the browser's memory, with some noise
     * @param loadMs the first inference of each hour creates a session taking about this long
     */
    private void hour(Random rnd, int hoursAgo, String backend, int perHour, int errorPercent, double memoryMib,
            double loadMs) {
        Instant start = NOW.minus(Duration.ofHours(hoursAgo + 1));
        for (int i = 0; i < perHour; i++) {
            Instant t = start.plusSeconds(60 + 3000L * i / perHour);
            long memory = (long) (memoryMib * (1 + 0.02 * rnd.nextGaussian()) * (1 << 20));
            double load = i == 0 ? loadMs * Math.exp(0.1 * rnd.nextGaussian()) : 0;
            store.record(new InferenceRecord(t, "bert", "1", ModelType.TEXT_EMBEDDING, backend, "156.0",
                    ExecutionProvider.WASM, "w1", 1, 0.5, 1.5, 20, 22 * Math.exp(0.1 * rnd.nextGaussian()), null,
                    4096, "fp32", load, memory));
            written++;
        }
        for (int i = 0; i < 10; i++) {
            boolean fails = errorPercent == 10 ? i < new int[] {0, 1, 2, 1}[hoursAgo % 4]
                    : rnd.nextInt(100) < errorPercent;
            store.record(new InferenceRecord(start.plusSeconds(3300 + 10L * i), "bert", "1",
                    ModelType.TEXT_EMBEDDING, backend, "156.0", ExecutionProvider.WASM, "w1", 1, 0.5, 1.5, 20,
                    fails ? 30_000 : 22 * Math.exp(0.1 * rnd.nextGaussian()), fails ? "DeadlineExceededException" : null,
                    4096, "fp32", 0, -1));
            written++;
        }
    }

    @After
    public void close() {
        store.close();
    }

    private Trend trend(Metric m, String backend) {
        List<Trend> all = store.trends(m);
        assertEquals(m + ": " + all, 2, all.size());
        Trend t = all.stream().filter(x -> x.backend().equals(backend)).findFirst().orElseThrow();
        assertEquals(m, t.metric());
        return t;
    }

    @Test
    public void memoryGrowthIsCalledDegradingInMib() {
        Trend t = trend(Metric.MEMORY, "chromium");
        assertTrue(t.toString(), t.significant());
        assertEquals(Direction.DEGRADING, t.direction());
        assertEquals(400, t.baselineMedianMs(), 10);
        assertEquals(600, t.recentMedianMs(), 10);
        assertEquals("records without memory are left out", 120 * 4, t.baselineCount());
    }

    @Test
    public void slowerLoadingIsCalledAndInferencesWithoutALoadAreLeftOut() {
        Trend t = trend(Metric.LOADING, "chromium");
        assertEquals("one load per hour", 24, t.recentCount());
        assertEquals(120, t.baselineCount());
        assertTrue(t.toString(), t.significant());
        assertEquals(Direction.DEGRADING, t.direction());
        assertEquals(100, t.percentChange(), 15);
    }

    @Test
    public void risingThroughputIsAnImprovementMeasuredPerHourStep() {
        Trend t = trend(Metric.THROUGHPUT, "chromium");
        assertEquals("the last day in 24 steps", 24, t.recentCount());
        assertEquals("the baseline's 120 hours with records, not its empty ones", 120, t.baselineCount());
        // 12 + about 7.5 successful inferences per hour against 4 + about 9.8
        assertEquals((12 + 10 * 0.75) / 3600.0, t.recentMedianMs(), 1.5 / 3600);
        assertTrue(t.toString(), t.significant());
        assertEquals(Direction.IMPROVING, t.direction());
    }

    @Test
    public void moreErrorsAreCalledInPercentagePoints() {
        Trend t = trend(Metric.ERRORS, "chromium");
        assertTrue(t.toString(), t.significant());
        assertEquals(Direction.DEGRADING, t.direction());
        double before = 100.0 * t.baselineMedianMs();
        assertEquals("the baseline rate: about 2 of 10 extra requests in 14 fail", 100 * 0.2 / 14, before / 100, 1.5);
        assertTrue(t.toString(), t.percentChange() > 5 && t.percentChange() < 20);
    }

    @Test
    public void aBackendThatDidNotChangeIsNeverCalled() {
        for (Metric m : Metric.values()) {
            Trend t = trend(m, "firefox");
            assertFalse(t.toString(), t.significant());
            assertEquals(Direction.STABLE, t.direction());
        }
    }

    @Test
    public void pool_trendsShowsEachMetricOrAllOfThem() throws Exception {
        String out = commands.trends("memory", false);
        assertTrue(out, out.matches("(?s)METRIC\\s+MODEL\\s+BACKEND\\s+EP\\s+VERDICT\\s+SEVERITY\\s+CHANGE\\s+BASELINE"
                + "\\s+RECENT\\s+UNIT\\s+SAMPLES.*"));
        assertTrue(out, out.matches("(?s).*\\nmemory\\s+bert:1\\s+chromium\\s+wasm\\s+degrading\\s+critical\\s+\\+5\\d\\.\\d %"
                + "\\s+\\d{3}\\.\\d\\s+\\d{3}\\.\\d\\s+MiB\\s+480/288\\s.*"));
        assertEquals(3, out.split("\\R").length);
        String errors = commands.trends("errors", false);
        assertTrue(errors, errors.matches("(?s).*\\nerrors\\s+bert:1\\s+chromium\\s+wasm\\s+degrading\\s+\\S+\\s+\\+\\d+\\.\\d pts.*"));
        JsonNode all = JSON.readTree(commands.trends("all", true));
        assertEquals("5 metrics x 2 backends", 10, all.size());
        assertEquals("latency", all.get(0).path("metric").asText());
        assertEquals("ms", all.get(0).path("unit").asText());
        assertEquals("throughput", all.get(2).path("metric").asText());
        assertEquals("inferences/s", all.get(2).path("unit").asText());
        assertEquals(JSON.readTree(commands.trends("all", true)), JSON.readTree(commands.trends("ALL", true)));
        try {
            commands.trends("cpu", false);
            throw new AssertionError("--metric cpu must be refused");
        } catch (IllegalArgumentException e) {
            assertEquals("unknown --metric 'cpu'; expected one of latency, throughput, errors, memory, loading, all",
                    e.getMessage());
        }
    }
}
