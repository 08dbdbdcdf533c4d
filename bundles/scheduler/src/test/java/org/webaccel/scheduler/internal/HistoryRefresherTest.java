package org.webaccel.scheduler.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.webaccel.api.ExecutionProvider.WASM;
import static org.webaccel.api.ExecutionProvider.WEBGPU;
import static org.webaccel.scheduler.internal.Fixtures.candidate;
import static org.webaccel.scheduler.internal.Fixtures.summary;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.testing.Await;

public class HistoryRefresherTest {
    private static final ModelDescriptor VISION = Fixtures.model("classifier", ModelType.VISION);
    private static final History.Key WASM_KEY = new History.Key("classifier", "1", "chromium", WASM);

    @Test
    public void aRefreshReplacesTheSnapshotWithTheStoresSummaries() {
        FixedMetricsStore store = new FixedMetricsStore(List.of(summary("classifier", "chromium", WASM, 40, 92)));
        HistoryRefresher refresher = new HistoryRefresher(() -> store, Duration.ofMinutes(30));
        assertFalse("nothing before the first refresh", refresher.get().sample(WASM_KEY).isPresent());
        refresher.refresh();
        assertEquals(new History.Sample(40, 92), refresher.get().sample(WASM_KEY).orElseThrow());
        assertEquals(Duration.ofMinutes(30), store.lastWindow);

        store.summaries = List.of(summary("classifier", "chromium", WASM, 80, 60));
        refresher.refresh();
        assertEquals(new History.Sample(80, 60), refresher.get().sample(WASM_KEY).orElseThrow());
    }

    @Test
    public void seriesWithoutSuccessfulRunsAreLeftOut() {
        List<Summary> summaries = List.of(
                new Summary("classifier", "1", "chromium", WASM, 5, 5, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN),
                summary("classifier", "chromium", WEBGPU, 3, 4000));
        History h = History.of(summaries);
        assertEquals(1, h.size());
        assertFalse(h.sample(WASM_KEY).isPresent());
    }

    @Test
    public void anUnreadableStoreKeepsTheLastSnapshotAndAMissingStoreClearsIt() {
        FixedMetricsStore store = new FixedMetricsStore(List.of(summary("classifier", "chromium", WASM, 40, 92)));
        AtomicReference<MetricsStore> bound = new AtomicReference<>(store);
        HistoryRefresher refresher = new HistoryRefresher(bound::get, Duration.ofMinutes(5));
        refresher.refresh();
        store.unavailable = true;
        refresher.refresh();
        assertTrue(refresher.get().sample(WASM_KEY).isPresent());
        bound.set(null);
        refresher.refresh();
        assertFalse(refresher.get().sample(WASM_KEY).isPresent());
    }

    @Test
    public void rankingReadsTheSnapshotAndNeverTheStore() {
        FixedMetricsStore store = new FixedMetricsStore(List.of(summary("classifier", "chromium", WEBGPU, 40, 4600),
                summary("classifier", "chromium", WASM, 40, 92)));
        HistoryRefresher refresher = new HistoryRefresher(() -> store, Duration.ofMinutes(30));
        DefaultPlacement policy = new DefaultPlacement(Fixtures.settings(), refresher);
        PlacementRequest request = new PlacementRequest(VISION, ExecutionProvider.AUTO);
        var candidates = List.of(candidate("gpu", "chromium", WEBGPU), candidate("cpu", "chromium", WASM));

        assertEquals("gpu", policy.rank(request, candidates).get(0).candidate().workerId());
        refresher.refresh();
        for (int i = 0; i < 100; i++) {
            assertEquals("cpu", policy.rank(request, candidates).get(0).candidate().workerId());
        }
        assertEquals("only the refresh queried the store", 1, store.queries.get());
    }

    @Test
    public void theComponentReadsTheBoundStoreOnItsOwnThread() throws Exception {
        FixedMetricsStore store = new FixedMetricsStore(List.of(summary("classifier", "chromium", WEBGPU, 40, 4600),
                summary("classifier", "chromium", WASM, 40, 92)));
        PlacementComponent component = new PlacementComponent(Fixtures.config("historyRefreshSeconds", 1L));
        try {
            Field field = PlacementComponent.class.getDeclaredField("metrics");
            field.setAccessible(true);
            field.set(component, store);
            PlacementRequest request = new PlacementRequest(VISION, ExecutionProvider.AUTO);
            var candidates = List.of(candidate("gpu", "chromium", WEBGPU), candidate("cpu", "chromium", WASM));
            Await.until("the history moved the vision model to the wasm worker",
                    () -> component.rank(request, candidates).get(0).candidate().workerId().equals("cpu"));
        } finally {
            component.deactivate();
        }
        int queries = store.queries.get();
        Thread.sleep(1500);
        assertEquals("no reads after deactivation", queries, store.queries.get());
    }
}
