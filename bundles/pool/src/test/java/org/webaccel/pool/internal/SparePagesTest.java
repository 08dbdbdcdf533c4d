package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.WorkerInfo;
import org.webaccel.testing.Await;

/**
 * A spare page takes no work, enters service as soon as a worker of its backend is lost (before any browser is
 * launched again), and a new spare opens behind it.
 */
public class SparePagesTest {

    private static List<WorkerInfo> inState(PoolFixture f, String... states) {
        List<String> wanted = List.of(states);
        return f.pool.workers().stream().filter(w -> wanted.contains(w.state())).toList();
    }

    @Test
    public void aSpareEntersServiceWhenABrowserDiesAndIsReplacedBehindIt() throws Exception {
        try (PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 2, "maxBrowsers", 2,
                "maxPagesPerBrowser", 1, "sparePages", 1, "maintenanceIntervalSeconds", 1))) {
            f.awaitWorkers(2);
            WorkerInfo spare = Await.value("a spare page", () -> inState(f, "spare"), l -> l.size() == 1).get(0);
            assertEquals("the spare is no worker", 2, f.pool.status().workers());

            // Requests go to the two workers only.
            for (int i = 0; i < 20; i++) {
                f.pool.infer("echo", Map.of("x", org.webaccel.api.tensor.Tensor.ofFloats(new long[] {1, 4},
                        new float[4])), null).toCompletableFuture().get();
            }
            assertEquals(0, f.pool.workers().stream().filter(w -> w.id().equals(spare.id())).findFirst().orElseThrow()
                    .served());

            // The browser without the spare dies: the spare serves at once, in place of the lost worker.
            String victim = inState(f, "idle", "busy").stream().map(WorkerInfo::browser)
                    .filter(b -> !b.equals(spare.browser())).findFirst().orElseThrow();
            // No browser can launch meanwhile: the spare's service owes nothing to a replacement.
            f.pages.failLaunches("no browser for now");
            f.pages.killBrowser(victim);
            List<WorkerInfo> serving = inState(f, "idle", "busy");
            assertTrue("the spare took the lost worker's place at once: " + f.pool.workers(),
                    serving.stream().anyMatch(w -> w.id().equals(spare.id())));
            assertEquals(2, serving.size());

            // Behind it: a browser launched again, the target met, and a new spare.
            f.pages.failLaunches(null);
            WorkerInfo next = Await.value("a new spare page", () -> inState(f, "spare"), l -> l.size() == 1).get(0);
            assertNotEquals(spare.id(), next.id());
            assertEquals(2, inState(f, "idle", "busy").size());
        }
    }
}
