package org.webaccel.metrics.internal.prometheus;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.BreakerState.Phase;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.health.Scope;

/** The breakers' history as Prometheus samples: transitions by the phase entered and the time in the phase. */
public class BreakerCollectorsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    /** A health monitor whose breakers are a fixed snapshot: what a scrape reads of a real one. */
    private record Snapshot(List<BreakerState> breakers, List<BreakerHistory> histories) implements HealthMonitor {
        @Override
        public void recordSuccess(String workerId, String backend, String model, Duration latency) {
        }

        @Override
        public void recordFailure(String workerId, String backend, FailureClass failureClass) {
        }

        @Override
        public void recordConnectionDrop(String workerId, String backend) {
        }

        @Override
        public void recordMemory(String workerId, String backend, long residentBytes) {
        }

        @Override
        public boolean allows(String workerId, String backend) {
            return true;
        }

        @Override
        public Optional<BreakerState> workerBreaker(String workerId) {
            return Optional.empty();
        }

        @Override
        public Optional<BreakerState> backendBreaker(String backend) {
            return Optional.empty();
        }

        @Override
        public Optional<HealthScore> workerHealth(String workerId) {
            return Optional.empty();
        }

        @Override
        public Optional<HealthScore> backendHealth(String backend) {
            return Optional.empty();
        }

        @Override
        public List<HealthScore> scores() {
            return List.of();
        }

        @Override
        public void forget(String workerId) {
        }
    }

    private static String scrape(HealthMonitor health) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new PlatformCollectors(() -> null, () -> health, () -> null,
                Clock.fixed(NOW, ZoneOffset.UTC)).scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void transitionsAreCountedByThePhaseEnteredAndTheTimeInThePhaseIsShown() throws Exception {
        BreakerHistory worker = new BreakerHistory(Scope.WORKER, "w1", "chromium", NOW.minusSeconds(90),
                List.of(new BreakerHistory.Transition(NOW.minusSeconds(90), Phase.HALF_OPEN, Phase.OPEN,
                        "trial call failed: hang")),
                List.of(), Map.of(Phase.OPEN, 2L, Phase.HALF_OPEN, 1L));
        BreakerHistory backend = new BreakerHistory(Scope.BACKEND, "chromium", "chromium", NOW.minusMillis(2500),
                List.of(), List.of(), Map.of());
        String text = scrape(new Snapshot(List.of(), List.of(backend, worker)));
        assertTrue(text, text.contains("# TYPE webaccel_breaker_transitions_total counter\n"));
        assertTrue(text, text.contains(
                "webaccel_breaker_transitions_total{backend=\"chromium\",id=\"w1\",scope=\"worker\",to=\"open\"} 2.0\n"));
        assertTrue(text, text.contains("webaccel_breaker_transitions_total{backend=\"chromium\",id=\"w1\","
                + "scope=\"worker\",to=\"half_open\"} 1.0\n"));
        assertTrue(text, text.contains("webaccel_breaker_transitions_total{backend=\"chromium\",id=\"w1\","
                + "scope=\"worker\",to=\"closed\"} 0.0\n"));
        assertTrue(text, text.contains("webaccel_breaker_transitions_total{backend=\"chromium\",id=\"chromium\","
                + "scope=\"backend\",to=\"open\"} 0.0\n"));
        assertTrue(text, text.contains(
                "webaccel_breaker_phase_age_seconds{backend=\"chromium\",id=\"w1\",scope=\"worker\"} 90.0\n"));
        assertTrue(text, text.contains(
                "webaccel_breaker_phase_age_seconds{backend=\"chromium\",id=\"chromium\",scope=\"backend\"} 2.5\n"));
        // bounded labels: no cause or failure message becomes a label value
        assertFalse(text, text.contains("trial call failed"));
        // three phases for each of two breakers, one age each
        assertEquals(8, text.lines().filter(l -> l.startsWith("webaccel_breaker_transitions_total{")
                || l.startsWith("webaccel_breaker_phase_age_seconds{")).count());
    }

    @Test
    public void withoutAHealthMonitorThereAreNoBreakerSamples() throws Exception {
        String text = scrape(null);
        assertFalse(text, text.contains("webaccel_breaker_transitions_total{"));
        assertFalse(text, text.contains("webaccel_breaker_phase_age_seconds{"));
    }
}
