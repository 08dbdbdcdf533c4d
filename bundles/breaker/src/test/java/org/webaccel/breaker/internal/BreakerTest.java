package org.webaccel.breaker.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.Test;
import org.webaccel.api.health.BreakerState.Phase;
import org.webaccel.api.health.FailureClass;

/** Circuit breakers of workers and backends, on real Failsafe breakers with short open delays. */
public class BreakerTest {

    /**
     * Failsafe times the open delay on the system clock. The tests read a breaker right after opening it and
     * expect it open, so the delay must be far longer than any pause of a busy machine between two statements.
     */
    static final Duration OPEN = Duration.ofMillis(1500);
    static final Duration FAST = Duration.ofMillis(10);

    static Thresholds defaults() {
        return new Thresholds(5, 50, 20, 10, 40, OPEN, 3, Duration.ofSeconds(2));
    }

    static CircuitHealthMonitor monitor(String... overrides) {
        Thresholds d = defaults();
        Settings s = new Settings(d, Settings.parseOverrides(d, overrides), Duration.ofMinutes(10),
                1024L << 20, 4096L << 20);
        return new CircuitHealthMonitor(s, Map.of("ff", "firefox", "cr", "chromium")::get, new MutableClock());
    }

    static Phase worker(CircuitHealthMonitor m, String w) {
        return m.workerBreaker(w).orElseThrow().phase();
    }

    static void fail(CircuitHealthMonitor m, String w, String b, int times) {
        for (int i = 0; i < times; i++) {
            m.recordFailure(w, b, FailureClass.PAGE_CRASH);
        }
    }

    static void waitOpenDelay() throws InterruptedException {
        Thread.sleep(OPEN.toMillis() + 200);
    }

    @Test
    public void opensAfterFiveConsecutiveFailures() {
        CircuitHealthMonitor m = monitor();
        fail(m, "w1", "cr", 4);
        assertEquals(Phase.CLOSED, worker(m, "w1"));
        assertTrue(m.allows("w1", "cr"));
        m.recordFailure("w1", "cr", FailureClass.HANG);
        assertEquals(Phase.OPEN, worker(m, "w1"));
        assertFalse(m.allows("w1", "cr"));
        assertEquals(5, m.workerBreaker("w1").orElseThrow().consecutiveFailures());
        assertTrue(m.workerBreaker("w1").orElseThrow().retryIn().compareTo(Duration.ZERO) > 0);
        // another worker of the same backend is unaffected
        assertTrue(m.allows("w2", "cr"));
    }

    @Test
    public void aSuccessResetsTheStreak() {
        CircuitHealthMonitor m = monitor();
        // eight failures, but never five in a row (and fewer than 10 of the last 20)
        for (int i = 0; i < 2; i++) {
            fail(m, "w1", "cr", 4);
            m.recordSuccess("w1", "cr", "m", FAST);
        }
        assertEquals(Phase.CLOSED, worker(m, "w1"));
        assertEquals(0, m.workerBreaker("w1").orElseThrow().consecutiveFailures());
    }

    @Test
    public void opensOnFailureRateOverTheWindow() {
        CircuitHealthMonitor m = monitor();
        // never more than one failure in a row, but half of the last 20 calls failed
        for (int i = 0; i < 9; i++) {
            m.recordSuccess("w1", "cr", "m", FAST);
            m.recordFailure("w1", "cr", FailureClass.OUT_OF_MEMORY);
        }
        assertEquals(Phase.CLOSED, worker(m, "w1"));
        m.recordSuccess("w1", "cr", "m", FAST);
        m.recordFailure("w1", "cr", FailureClass.OUT_OF_MEMORY);
        assertEquals(Phase.OPEN, worker(m, "w1"));
        assertFalse(m.allows("w1", "cr"));
    }

    @Test
    public void invalidInputNeverCountsAgainstAWorker() {
        CircuitHealthMonitor m = monitor();
        for (int i = 0; i < 50; i++) {
            m.recordFailure("w1", "cr", FailureClass.INVALID_INPUT);
        }
        m.recordSuccess("w1", "cr", "m", FAST);
        assertEquals(Phase.CLOSED, worker(m, "w1"));
        assertEquals(Phase.CLOSED, m.backendBreaker("cr").orElseThrow().phase());
        assertEquals(0, m.workerBreaker("w1").orElseThrow().consecutiveFailures());
        assertEquals(100, m.workerHealth("w1").orElseThrow().score());
        assertTrue(m.allows("w1", "cr"));
    }

    @Test
    public void halfOpenAdmitsExactlyThreeTrialsAndClosesWhenTheySucceed() throws InterruptedException {
        CircuitHealthMonitor m = monitor();
        fail(m, "w1", "cr", 5);
        assertFalse(m.allows("w1", "cr"));
        waitOpenDelay();
        assertTrue(m.allows("w1", "cr"));
        assertEquals(Phase.HALF_OPEN, worker(m, "w1"));
        assertTrue(m.allows("w1", "cr"));
        assertTrue(m.allows("w1", "cr"));
        assertFalse("a fourth trial while three are out", m.allows("w1", "cr"));
        m.recordSuccess("w1", "cr", "m", FAST);
        m.recordSuccess("w1", "cr", "m", FAST);
        assertEquals(Phase.HALF_OPEN, worker(m, "w1"));
        m.recordSuccess("w1", "cr", "m", FAST);
        assertEquals(Phase.CLOSED, worker(m, "w1"));
        assertTrue(m.allows("w1", "cr"));
        // closed again with a fresh streak: four failures do not reopen it
        fail(m, "w1", "cr", 4);
        assertEquals(Phase.CLOSED, worker(m, "w1"));
    }

    @Test
    public void aFailedTrialReopens() throws InterruptedException {
        CircuitHealthMonitor m = monitor();
        fail(m, "w1", "cr", 5);
        waitOpenDelay();
        assertTrue(m.allows("w1", "cr"));
        assertTrue(m.allows("w1", "cr"));
        m.recordSuccess("w1", "cr", "m", FAST);
        m.recordFailure("w1", "cr", FailureClass.CONNECTION_LOST);
        assertEquals(Phase.OPEN, worker(m, "w1"));
        assertFalse(m.allows("w1", "cr"));
        waitOpenDelay();
        assertTrue("half-open again after another delay", m.allows("w1", "cr"));
    }

    @Test
    public void perFamilyThresholdsApply() throws InterruptedException {
        CircuitHealthMonitor m = monitor("firefox:consecutiveFailures=2", "firefox:openDelayMillis=5000",
                "firefox:halfOpenTrials=1", "cr:consecutiveFailures=3");
        fail(m, "f1", "ff", 2);
        assertEquals("firefox opens after 2", Phase.OPEN, worker(m, "f1"));
        assertEquals("firefox", m.workerBreaker("f1").orElseThrow().family());
        assertTrue(m.workerBreaker("f1").orElseThrow().retryIn().compareTo(Duration.ofSeconds(4)) > 0);
        fail(m, "c1", "cr", 2);
        assertEquals(Phase.CLOSED, worker(m, "c1"));
        m.recordFailure("c1", "cr", FailureClass.BROWSER_CRASH);
        assertEquals("an override by backend name", Phase.OPEN, worker(m, "c1"));
        fail(m, "x1", "other", 4);
        assertEquals("defaults elsewhere", Phase.CLOSED, worker(m, "x1"));
        fail(m, "x1", "other", 1);
        assertEquals(Phase.OPEN, worker(m, "x1"));
        waitOpenDelay();
        assertEquals("the firefox delay is 5 s", Phase.OPEN, worker(m, "f1"));
        assertFalse(m.allows("f1", "ff"));
    }

    @Test
    public void halfOpenTrialsFollowTheFamily() throws InterruptedException {
        CircuitHealthMonitor m = monitor("firefox:halfOpenTrials=1");
        fail(m, "f1", "ff", 5);
        waitOpenDelay();
        assertTrue(m.allows("f1", "ff"));
        assertFalse(m.allows("f1", "ff"));
        m.recordSuccess("f1", "ff", "m", FAST);
        assertEquals(Phase.CLOSED, worker(m, "f1"));
    }

    @Test
    public void slowCallsCountAsFailures() {
        CircuitHealthMonitor m = monitor();
        for (int i = 0; i < 4; i++) {
            m.recordSuccess("w1", "cr", "m", Duration.ofSeconds(3));
        }
        assertEquals(4, m.workerBreaker("w1").orElseThrow().consecutiveFailures());
        m.recordSuccess("w1", "cr", "m", Duration.ofSeconds(2));
        assertEquals("at the threshold is slow", Phase.OPEN, worker(m, "w1"));
        m.recordSuccess("w2", "cr", "m", Duration.ofMillis(1999));
        assertEquals(0, m.workerBreaker("w2").orElseThrow().consecutiveFailures());
    }

    @Test
    public void backendOpensWhenItsWorkersKeepFailing() throws InterruptedException {
        CircuitHealthMonitor m = monitor();
        // ten failures spread over five workers: no worker reaches its own threshold
        for (int i = 0; i < 10; i++) {
            m.recordFailure("w" + (i % 5), "cr", FailureClass.BROWSER_CRASH);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(Phase.CLOSED, worker(m, "w" + i));
        }
        assertEquals(Phase.OPEN, m.backendBreaker("cr").orElseThrow().phase());
        assertFalse("a healthy worker of an open backend takes nothing", m.allows("w0", "cr"));
        assertFalse(m.allows("fresh", "cr"));
        assertTrue("other backends are unaffected", m.allows("f1", "ff"));
        waitOpenDelay();
        // the backend's three trials are shared by its workers
        assertTrue(m.allows("w0", "cr"));
        assertTrue(m.allows("w1", "cr"));
        assertTrue(m.allows("w2", "cr"));
        assertFalse(m.allows("w3", "cr"));
        m.recordSuccess("w0", "cr", "m", FAST);
        m.recordSuccess("w1", "cr", "m", FAST);
        m.recordSuccess("w2", "cr", "m", FAST);
        assertEquals(Phase.CLOSED, m.backendBreaker("cr").orElseThrow().phase());
        assertTrue(m.allows("w3", "cr"));
    }

    @Test
    public void aWorkerTrialRefusedByTheBackendIsNotLost() throws InterruptedException {
        CircuitHealthMonitor m = monitor("cr:halfOpenTrials=1", "cr:backendConsecutiveFailures=5");
        fail(m, "w1", "cr", 5); // opens the worker and the backend
        assertEquals(Phase.OPEN, m.backendBreaker("cr").orElseThrow().phase());
        waitOpenDelay();
        assertTrue(m.allows("w2", "cr")); // the backend's only trial goes to another worker
        assertFalse(m.allows("w1", "cr"));
        m.recordSuccess("w2", "cr", "m", FAST);
        assertEquals(Phase.CLOSED, m.backendBreaker("cr").orElseThrow().phase());
        assertTrue("w1 still has its trial", m.allows("w1", "cr"));
    }

    @Test
    public void forgetDropsTheWorker() {
        CircuitHealthMonitor m = monitor();
        fail(m, "w1", "cr", 5);
        m.forget("w1");
        assertTrue(m.workerBreaker("w1").isEmpty());
        assertTrue(m.backendBreaker("cr").isPresent());
        assertTrue(m.allows("w1", "cr"));
    }

    @Test(expected = IllegalArgumentException.class)
    public void aMalformedOverrideIsRefused() {
        monitor("firefox-openDelayMillis=5");
    }

    @Test
    public void anUnknownSettingIsNamed() {
        try {
            monitor("firefox:openDelay=5");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("unknown setting 'openDelay'"));
            return;
        }
        throw new AssertionError("no exception");
    }
}
