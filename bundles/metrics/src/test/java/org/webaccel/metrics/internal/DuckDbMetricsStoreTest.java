package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.record;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.duckdb.DuckDBDriver;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.MetricsUnavailableException;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.metrics.Trend;
import org.webaccel.api.model.ModelType;
import org.webaccel.testing.Await;

public class DuckDbMetricsStoreTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DuckDbMetricsStore store;

    @After
    public void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private DuckDbMetricsStore open(Path db, int capacity) {
        store = new DuckDbMetricsStore(settings(db, capacity), Clock.fixed(NOW, ZoneOffset.UTC));
        return store;
    }

    private static Connection connect(Path db) throws Exception {
        return new DuckDBDriver().connect("jdbc:duckdb:" + db, new Properties());
    }

    @Test
    public void recordsAreWrittenAndReadBackFromTheFile() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("data/metrics.duckdb");
        DuckDbMetricsStore s = open(db, 1000);
        s.record(record(NOW.minusSeconds(60), "chromium", ExecutionProvider.WEBGPU, 42.5, null));
        s.record(record(NOW.minusSeconds(30), "firefox", ExecutionProvider.WASM, 7, "DeadlineExceededException"));
        await("2 written", () -> s.status().written() == 2);
        s.close();
        store = null;
        try (Connection c = connect(db); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT epoch_ms(ts), model, model_version, model_type, backend,"
                        + " browser_version, execution_provider, worker, batch_size, queued_ms, transfer_ms,"
                        + " compute_ms, total_ms, failure, input_bytes FROM inference ORDER BY ts")) {
            assertTrue(r.next());
            assertEquals(NOW.minusSeconds(60).toEpochMilli(), r.getLong(1));
            assertEquals("bert", r.getString(2));
            assertEquals("1", r.getString(3));
            assertEquals("text-embedding", r.getString(4));
            assertEquals("chromium", r.getString(5));
            assertEquals("156.0", r.getString(6));
            assertEquals("webgpu", r.getString(7));
            assertEquals("w1", r.getString(8));
            assertEquals(1, r.getInt(9));
            assertEquals(0.5, r.getDouble(10), 0);
            assertEquals(1.5, r.getDouble(11), 0);
            assertEquals(40.5, r.getDouble(12), 0);
            assertEquals(42.5, r.getDouble(13), 0);
            assertEquals(null, r.getString(14));
            assertEquals(4096, r.getLong(15));
            assertTrue(r.next());
            assertEquals("DeadlineExceededException", r.getString(14));
            assertFalse(r.next());
        }
    }

    @Test
    public void summariesHaveTheRightCountsMeansAndPercentiles() throws Exception {
        DuckDbMetricsStore s = open(tmp.getRoot().toPath().resolve("m.duckdb"), 1000);
        for (int i = 1; i <= 100; i++) {
            s.record(record(NOW.minusSeconds(i), "chromium", ExecutionProvider.WASM, i, null));
        }
        // a failure counts in the error rate but not in the latencies
        s.record(record(NOW.minusSeconds(5), "chromium", ExecutionProvider.WASM, 10_000, "InferenceFailedException"));
        // outside the window
        s.record(record(NOW.minus(Duration.ofHours(2)), "chromium", ExecutionProvider.WASM, 5_000, null));
        s.record(record(NOW.minusSeconds(5), "firefox", ExecutionProvider.WASM, 80, null));
        await("103 written", () -> s.status().written() == 103);

        List<Summary> all = s.summaries(Duration.ofHours(1));
        assertEquals(2, all.size());
        Summary c = all.get(0);
        assertEquals("chromium", c.backend());
        assertEquals(ExecutionProvider.WASM, c.executionProvider());
        assertEquals(101, c.count());
        assertEquals(1, c.failures());
        assertEquals(1.0 / 101, c.errorRate(), 1e-12);
        assertEquals(50.5, c.meanMs(), 1e-9);
        // linear interpolation between ranks over 1..100: 1 + q * 99
        assertEquals(50.5, c.p50Ms(), 1e-9);
        assertEquals(95.05, c.p95Ms(), 1e-9);
        assertEquals(99.01, c.p99Ms(), 1e-9);
        assertEquals("firefox", all.get(1).backend());
        assertEquals(1, all.get(1).count());
    }

    @Test
    public void aFullBufferDropsAndCountsWithoutBlocking() throws Exception {
        Settings settings = settings(tmp.getRoot().toPath().resolve("m.duckdb"), 10);
        // a writer that is never started: the buffer cannot drain, so exactly the overflow is dropped
        try (MetricsDatabase db = new MetricsDatabase(settings.database(), new SchemaMigrations(List.of()))) {
            RecordWriter w = new RecordWriter(db, settings, Clock.systemUTC());
            // An offer that waited for room would wait forever here: nothing drains the buffer.
            CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1_000; i++) {
                    w.offer(record(NOW, "chromium", ExecutionProvider.WASM, 1, null));
                }
            }).get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(10, w.accepted());
            assertEquals(990, w.dropped());
        }
    }

    @Test
    public void underLoadEveryRecordIsWrittenOrCounted() throws Exception {
        DuckDbMetricsStore s = open(tmp.getRoot().toPath().resolve("m.duckdb"), 50);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            s.record(record(NOW.minusMillis(i), "chromium", ExecutionProvider.WASM, 1 + i % 7, null));
        }
        await("buffer drained", () -> s.status().buffered() == 0 && s.status().accepted() == s.status().written());
        RecordingStatus st = s.status();
        assertEquals(n, st.written() + st.dropped());
        assertTrue("a 50-record buffer should overflow under " + n + " records: " + st, st.dropped() > 0);
        assertEquals(st.written(), s.summaries(Duration.ofDays(1)).get(0).count());
    }

    @Test
    public void anUnwritableLocationIsSurvivedAndDropsAreCounted() throws Exception {
        // a regular file where the folder should be: no user, root included, can create the database there
        Path notAFolder = tmp.newFile("not-a-folder").toPath();
        DuckDbMetricsStore s = open(notAFolder.resolve("metrics.duckdb"), 100);
        for (int i = 0; i < 30; i++) {
            s.record(record(NOW, "chromium", ExecutionProvider.WASM, 1, null));
        }
        await("30 dropped", () -> s.status().dropped() == 30);
        assertFalse(s.status().available());
        assertEquals(0, s.status().written());
        try {
            s.summaries(Duration.ofDays(1));
            fail("summaries of an unavailable database");
        } catch (MetricsUnavailableException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not-a-folder"));
        }
    }

    @Test
    public void retentionDeletesOnlyOldRows() throws Exception {
        DuckDbMetricsStore s = open(tmp.getRoot().toPath().resolve("m.duckdb"), 1000);
        for (int i = 0; i < 5; i++) {
            s.record(record(NOW.minus(Duration.ofDays(40)), "chromium", ExecutionProvider.WASM, 1, null));
            s.record(record(NOW.minus(Duration.ofDays(2)), "chromium", ExecutionProvider.WASM, 1, null));
        }
        await("10 written", () -> s.status().written() == 10);
        // The writer applies retention after its first batch, which may have held only some of the rows
        // (the test clock stands still, so the hourly pass never comes): apply it once more by hand.
        s.applyRetention();
        assertEquals(5, s.summaries(Duration.ofDays(365)).get(0).count());
        for (int i = 0; i < 3; i++) {
            s.record(record(NOW.minus(Duration.ofDays(31)), "chromium", ExecutionProvider.WASM, 1, null));
        }
        await("13 written", () -> s.status().written() == 13);
        assertEquals(3, s.applyRetention());
        assertEquals(5, s.summaries(Duration.ofDays(365)).get(0).count());
    }

    @Test
    public void aSlowdownInTheHistoryIsReportedAsADegradingTrend() throws Exception {
        DuckDbMetricsStore s = open(tmp.getRoot().toPath().resolve("m.duckdb"), 10_000);
        Random rnd = new Random(11);
        for (int i = 0; i < 300; i++) {
            // baseline: 2 to 7 days ago at ~100 ms; recent: the last 24 hours at ~140 ms, on chromium only
            s.record(record(NOW.minus(Duration.ofMinutes(2 * 24 * 60 + i * 24L)), "chromium", ExecutionProvider.WASM,
                    100 * Math.exp(0.2 * rnd.nextGaussian()), null));
            s.record(record(NOW.minus(Duration.ofMinutes(i * 4L)), "chromium", ExecutionProvider.WASM,
                    140 * Math.exp(0.2 * rnd.nextGaussian()), null));
            s.record(record(NOW.minus(Duration.ofMinutes(2 * 24 * 60 + i * 24L)), "firefox", ExecutionProvider.WASM,
                    100 * Math.exp(0.2 * rnd.nextGaussian()), null));
            s.record(record(NOW.minus(Duration.ofMinutes(i * 4L)), "firefox", ExecutionProvider.WASM,
                    100 * Math.exp(0.2 * rnd.nextGaussian()), null));
        }
        await("1200 written", () -> s.status().written() == 1200);
        List<Trend> trends = s.trends();
        assertEquals(2, trends.size());
        Trend chromium = trends.get(0);
        assertEquals("chromium", chromium.backend());
        assertEquals(300, chromium.baselineCount());
        assertEquals(300, chromium.recentCount());
        assertTrue(chromium.toString(), chromium.significant());
        assertEquals(Trend.Direction.DEGRADING, chromium.direction());
        assertEquals(40, chromium.percentChange(), 10);
        assertEquals(Trend.Severity.MAJOR, chromium.severity());
        Trend firefox = trends.get(1);
        assertFalse(firefox.toString(), firefox.significant());
        assertEquals(Trend.Direction.STABLE, firefox.direction());
    }

    @Test
    public void theFasterBrowserIsRecommendedWithHighConfidence() throws Exception {
        DuckDbMetricsStore s = open(tmp.getRoot().toPath().resolve("m.duckdb"), 10_000);
        Random rnd = new Random(5);
        for (int i = 0; i < 100; i++) {
            s.record(record(NOW.minusSeconds(i * 60L), "chromium", ExecutionProvider.WASM,
                    50 * Math.exp(0.2 * rnd.nextGaussian()), null));
            s.record(record(NOW.minusSeconds(i * 60L), "firefox", ExecutionProvider.WASM,
                    80 * Math.exp(0.2 * rnd.nextGaussian()), null));
            // fastest, but failing too often to be recommended
            s.record(record(NOW.minusSeconds(i * 60L), "edge", ExecutionProvider.WEBGPU, 10,
                    i % 5 == 0 ? "PageException" : null));
        }
        await("300 written", () -> s.status().written() == 300);
        Recommendation r = s.recommend(ModelType.TEXT_EMBEDDING).orElseThrow();
        assertEquals("chromium", r.backend());
        assertEquals(ExecutionProvider.WASM, r.executionProvider());
        assertEquals("156.0", r.browserVersion());
        assertEquals(100, r.samples());
        assertTrue(r.toString(), r.confidence() > 0.99);
        assertTrue(r.reason(), r.reason().contains("firefox"));
        assertTrue(s.recommend(ModelType.VISION).isEmpty());
    }
}
