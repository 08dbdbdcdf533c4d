package org.webaccel.breaker.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.Test;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthScore;

/** The health score follows errors, latency, drops and memory, and stays within 0-100. */
public class HealthScoreTest {

    static final long MIB = 1024L * 1024L;
    final MutableClock clock = new MutableClock();

    CircuitHealthMonitor monitor() {
        Thresholds d = BreakerTest.defaults();
        return new CircuitHealthMonitor(new Settings(d, Map.of(), Duration.ofMinutes(10), 1024 * MIB, 4096 * MIB),
                b -> null, clock);
    }

    static HealthScore worker(CircuitHealthMonitor m, String w) {
        return m.workerHealth(w).orElseThrow();
    }

    static void succeed(CircuitHealthMonitor m, String w, String b, long millis, int times) {
        for (int i = 0; i < times; i++) {
            m.recordSuccess(w, b, "bert:1@wasm", Duration.ofMillis(millis));
        }
    }

    @Test
    public void aHealthyWorkerScoresFull() {
        CircuitHealthMonitor m = monitor();
        succeed(m, "w1", "cr", 100, 20);
        assertEquals(100, worker(m, "w1").score());
        assertEquals(100, m.backendHealth("cr").orElseThrow().score());
    }

    @Test
    public void errorsLowerTheScore() {
        CircuitHealthMonitor m = monitor();
        succeed(m, "w1", "cr", 100, 10);
        for (int i = 0; i < 5; i++) {
            m.recordFailure("w1", "cr", FailureClass.PAGE_CRASH);
            succeed(m, "w1", "cr", 100, 1);
        }
        HealthScore s = worker(m, "w1");
        // 5 failures in the last 20 outcomes: 40 * 0.25 = 10 points
        assertEquals(0.25, s.errorRate(), 1e-9);
        assertEquals(10.0, s.errorPenalty(), 1e-9);
        assertEquals(90, s.score());
        // a streak adds its own penalty: 4 of 5 consecutive is 16 of 20 points
        for (int i = 0; i < 4; i++) {
            m.recordFailure("w1", "cr", FailureClass.PAGE_CRASH);
        }
        s = worker(m, "w1");
        assertEquals(16.0, s.failurePenalty(), 1e-9);
        assertTrue(s.score() < 70);
        // invalid input does not lower it
        int before = worker(m, "w1").score();
        m.recordFailure("w1", "cr", FailureClass.INVALID_INPUT);
        assertEquals(before, worker(m, "w1").score());
    }

    @Test
    public void latencyOverTheModelsBaselineLowersTheScore() {
        CircuitHealthMonitor m = monitor();
        succeed(m, "fast", "cr", 100, 30);
        succeed(m, "slow", "cr", 400, 1);
        HealthScore slow = worker(m, "slow");
        assertEquals(4.0, slow.latencyRatio(), 1e-6);
        assertEquals(20.0, slow.latencyPenalty(), 1e-6);
        assertEquals(80, slow.score());
        assertEquals(100, worker(m, "fast").score());
        // back to normal speed: the running mean recovers
        succeed(m, "slow", "cr", 100, 30);
        assertTrue(worker(m, "slow").latencyPenalty() < 1.0);
    }

    @Test
    public void baselinesArePerModel() {
        CircuitHealthMonitor m = monitor();
        succeed(m, "w1", "cr", 100, 10);
        // ten times slower than bert, but it is another model: no penalty
        m.recordSuccess("w2", "cr", "big:1@webgpu", Duration.ofSeconds(1));
        m.recordSuccess("w2", "cr", "big:1@webgpu", Duration.ofSeconds(1));
        assertEquals(0.0, worker(m, "w2").latencyPenalty(), 1e-9);
        // the same call under bert's key is slow
        m.recordSuccess("w3", "cr", "bert:1@wasm", Duration.ofSeconds(1));
        assertEquals(20.0, worker(m, "w3").latencyPenalty(), 1e-9);
    }

    @Test
    public void connectionDropsLowerTheScoreWithinTheWindow() {
        CircuitHealthMonitor m = monitor();
        succeed(m, "w1", "cr", 100, 5);
        m.recordConnectionDrop("w1", "cr");
        HealthScore s = worker(m, "w1");
        assertEquals(1, s.recentDrops());
        assertEquals(97, s.score());
        m.recordConnectionDrop("w1", "cr");
        m.recordConnectionDrop("w1", "cr");
        m.recordConnectionDrop("w1", "cr");
        assertEquals(90, worker(m, "w1").score());
        assertEquals(4, m.backendHealth("cr").orElseThrow().recentDrops());
        clock.advance(Duration.ofMinutes(11));
        assertEquals(0, worker(m, "w1").recentDrops());
        assertEquals(100, worker(m, "w1").score());
    }

    @Test
    public void memoryLowersTheScore() {
        CircuitHealthMonitor m = monitor();
        m.recordMemory("w1", "cr", 512 * MIB);
        assertEquals(100, worker(m, "w1").score());
        m.recordMemory("w1", "cr", 2560 * MIB);
        assertEquals(5.0, worker(m, "w1").memoryPenalty(), 1e-9);
        assertEquals(95, worker(m, "w1").score());
        m.recordMemory("w2", "cr", 8192 * MIB);
        assertEquals(90, worker(m, "w2").score());
        assertEquals("a backend is as pressed as its fullest worker", 8192 * MIB,
                m.backendHealth("cr").orElseThrow().memoryBytes());
    }

    @Test
    public void theScoreStaysWithinZeroAndHundred() {
        CircuitHealthMonitor m = monitor();
        succeed(m, "ok", "cr", 10, 40);
        m.recordSuccess("bad", "cr", "bert:1@wasm", Duration.ofSeconds(5));
        for (int i = 0; i < 40; i++) {
            m.recordFailure("bad", "cr", FailureClass.HANG);
            m.recordConnectionDrop("bad", "cr");
        }
        m.recordMemory("bad", "cr", 64L * 1024 * MIB);
        HealthScore s = worker(m, "bad");
        assertEquals(s.toString(), 0, s.score());
        assertEquals(100.0, s.errorPenalty() + s.latencyPenalty() + s.failurePenalty() + s.dropPenalty()
                + s.memoryPenalty(), 1e-9);
        for (HealthScore each : m.scores()) {
            assertTrue(each.toString(), each.score() >= 0 && each.score() <= 100);
        }
    }
}
