package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.record;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.LatencyPoint;
import org.webaccel.api.model.ModelType;

public class HistoryAndTimelineTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DuckDbMetricsStore store;

    @Before
    public void fill() throws Exception {
        store = new DuckDbMetricsStore(settings(tmp.getRoot().toPath().resolve("m.duckdb"), 1000),
                Clock.fixed(NOW, ZoneOffset.UTC));
        // two minutes of chromium at 10-19 ms and firefox at 100 ms, one failure, and another model
        for (int i = 0; i < 10; i++) {
            store.record(record(NOW.minusSeconds(170 - i), "chromium", ExecutionProvider.WASM, 10 + i, null));
            store.record(record(NOW.minusSeconds(50 - i), "firefox", ExecutionProvider.WEBGPU, 100, null));
        }
        store.record(record(NOW.minusSeconds(5), "firefox", ExecutionProvider.WEBGPU, 900, "RejectedException"));
        store.record(new InferenceRecord(NOW.minusSeconds(3), "resnet", "2", ModelType.VISION, "chromium", "156.0",
                ExecutionProvider.WASM, "w1", 4, 1, 1, 5, 7, null, 100, "fp16"));
        await("22 written", () -> store.status().written() == 22);
    }

    @After
    public void close() {
        store.close();
    }

    @Test
    public void historyIsNewestFirstAndLimited() {
        List<InferenceRecord> h = store.history("bert", 3);
        assertEquals(3, h.size());
        assertEquals(NOW.minusSeconds(5), h.get(0).time());
        assertEquals("RejectedException", h.get(0).failure());
        assertTrue(h.get(0).time().isAfter(h.get(1).time()) && h.get(1).time().isAfter(h.get(2).time()));
        assertEquals(21, store.history("bert", 1000).size());
        assertEquals(21, store.history("bert:1", 1000).size());
        assertEquals(0, store.history("bert:2", 1000).size());
        InferenceRecord r = store.history("resnet", 5).get(0);
        assertEquals("fp16", r.precision());
        assertEquals(4, r.batchSize());
        assertEquals(ModelType.VISION, r.modelType());
        assertEquals(0, store.history("nothing", 5).size());
    }

    @Test
    public void historyRefusesBadArguments() {
        expectBad(() -> store.history("bert", 0), "limit must be at least 1; got 0");
        expectBad(() -> store.history(" ", 5), "give a model name");
    }

    @Test
    public void timelineHasOnePointPerStepAndSeries() {
        List<LatencyPoint> points = store.timeline(Duration.ofMinutes(5), Duration.ofMinutes(1));
        Instant firstChromium = NOW.minusSeconds(170);
        long step = 60_000;
        LatencyPoint c = points.stream().filter(p -> p.backend().equals("chromium") && p.model().equals("bert"))
                .findFirst().orElseThrow(() -> new AssertionError(points.toString()));
        assertEquals(Instant.ofEpochMilli(firstChromium.toEpochMilli() / step * step), c.start());
        long chromiumCount = points.stream().filter(p -> p.backend().equals("chromium") && p.model().equals("bert"))
                .mapToLong(LatencyPoint::count).sum();
        assertEquals(10, chromiumCount);
        long firefoxFailures = points.stream().filter(p -> p.backend().equals("firefox"))
                .mapToLong(LatencyPoint::failures).sum();
        assertEquals(1, firefoxFailures);
        points.stream().filter(p -> p.backend().equals("firefox") && p.failures() == 0)
                .forEach(p -> assertEquals(100, p.p50Ms(), 1e-9));
        for (int i = 1; i < points.size(); i++) {
            assertTrue("oldest first", !points.get(i).start().isBefore(points.get(i - 1).start()));
        }
        assertTrue(points.stream().anyMatch(p -> p.model().equals("resnet")));
        assertEquals("nothing older than the window", 0,
                store.timeline(Duration.ofSeconds(2), Duration.ofSeconds(1)).size());
    }

    @Test
    public void timelineRefusesBadArguments() {
        expectBad(() -> store.timeline(Duration.ZERO, Duration.ofMinutes(1)), "window and step must be positive");
        expectBad(() -> store.timeline(Duration.ofDays(30), Duration.ofSeconds(1)), "more than 10000 steps");
    }

    private static void expectBad(Runnable r, String message) {
        try {
            r.run();
            fail("accepted; expected " + message);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
