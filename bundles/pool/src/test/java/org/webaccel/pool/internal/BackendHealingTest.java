package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/**
 * A backend whose browsers die and whose launches then fail: it retries with growing waits, reports itself
 * out of service with the last reason after the configured count, keeps the requests waiting, and comes back
 * by itself once a launch works.
 */
public class BackendHealingTest {

    private static BackendStatus scripted(PoolFixture f) {
        return f.pool.backends().get(0);
    }

    @Test
    public void failingLaunchesTakeTheBackendOutOfServiceUntilOneWorks() throws Exception {
        try (PoolFixture f = new PoolFixture(ScriptedPages.ECHO, Map.of("minWorkers", 2, "maxBrowsers", 1,
                "launchRetryInitialMillis", 10L, "launchRetryMaxSeconds", 1L, "unavailableAfterFailedLaunches", 3,
                "maintenanceIntervalSeconds", 1))) {
            f.awaitWorkers(2);
            assertEquals(BackendStatus.AVAILABLE, scripted(f).state());

            f.pages.failLaunches("Chromium /opt/chromium did not start: no such file");
            f.pages.killBrowsers();
            BackendStatus out = Await.value("the backend out of service", () -> scripted(f),
                    s -> s.state().equals(BackendStatus.UNAVAILABLE));
            assertFalse(out.available());
            assertTrue(out.toString(), out.failedLaunches() >= 3);
            assertTrue(out.unavailableReason(), out.unavailableReason().contains("launches failed in a row"));
            assertTrue(out.unavailableReason(), out.unavailableReason().endsWith(
                    "Chromium /opt/chromium did not start: no such file"));
            assertEquals(0, f.pool.status().workers());

            // A request submitted now waits for the backend to come back; nothing is lost.
            CompletableFuture<InferenceResult> waiting = f.pool.infer("echo",
                    Map.of("x", Tensor.ofFloats(new long[] {1, 4}, new float[] {1, 2, 3, 4})),
                    InferenceOptions.defaults().withTimeout(Duration.ofMinutes(5))).toCompletableFuture();
            assertFalse(waiting.isDone());

            int triedWhileFailing = f.pages.launched();
            f.pages.failLaunches(null);
            f.awaitWorkers(2);
            BackendStatus back = scripted(f);
            assertEquals(BackendStatus.AVAILABLE, back.state());
            assertEquals(0, back.failedLaunches());
            assertNull(back.outOfService());
            assertTrue("launches went on while the backend was out of service",
                    f.pages.launched() > triedWhileFailing);
            assertEquals(4f, waiting.get(1, TimeUnit.MINUTES).outputs().get("y").toFloats()[3], 0f);
        }
    }
}
