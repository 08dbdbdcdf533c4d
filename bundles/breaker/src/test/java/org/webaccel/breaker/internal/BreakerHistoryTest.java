package org.webaccel.breaker.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerHistory.Failure;
import org.webaccel.api.health.BreakerHistory.Transition;
import org.webaccel.api.health.BreakerState.Phase;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.Scope;

/**
 * The history of each breaker: phase changes with their time and cause, and the failures it counted, bounded.
 * Times come from a clock the tests move; the open delay is Failsafe's on the system clock, so it is kept at
 * a few milliseconds and the tests wait well past it before a trial.
 */
public class BreakerHistoryTest {

    static final Duration OPEN = Duration.ofMillis(5);
    static final Duration FAST = Duration.ofMillis(10);

    private final MutableClock clock = new MutableClock();
    private final Instant start = clock.instant();

    private CircuitHealthMonitor monitor(int transitions, int failures, String... overrides) {
        Thresholds d = new Thresholds(5, 50, 20, 10, 40, OPEN, 3, Duration.ofSeconds(2));
        Settings s = new Settings(d, Settings.parseOverrides(d, overrides), Duration.ofMinutes(10), 1024L << 20,
                4096L << 20, transitions, failures);
        return new CircuitHealthMonitor(s, Map.of("cr", "chromium")::get, clock);
    }

    private CircuitHealthMonitor monitor() {
        return monitor(32, 16);
    }

    private static void pastOpenDelay() throws InterruptedException {
        Thread.sleep(OPEN.toMillis() * 10);
    }

    private static BreakerHistory worker(CircuitHealthMonitor m, String w) {
        return m.workerHistory(w).orElseThrow();
    }

    @Test
    public void aBreakerThatNeverChangedHasAnEmptyHistorySinceItWasCreated() {
        CircuitHealthMonitor m = monitor();
        m.recordSuccess("w1", "cr", "m", FAST);
        BreakerHistory h = worker(m, "w1");
        assertEquals(Scope.WORKER, h.scope());
        assertEquals("cr", h.backend());
        assertTrue(h.transitions().isEmpty());
        assertTrue(h.failures().isEmpty());
        assertTrue(h.lastTransition().isEmpty());
        assertEquals(start, h.phaseSince());
        assertEquals(Map.of(Phase.CLOSED, 0L, Phase.OPEN, 0L, Phase.HALF_OPEN, 0L), h.transitionsInto());
    }

    @Test
    public void openingOnAStreakNamesTheFailureAndTheStreak() {
        CircuitHealthMonitor m = monitor();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            m.recordFailure("w1", "cr", i < 4 ? FailureClass.PAGE_CRASH : FailureClass.HANG, "attempt " + i);
        }
        BreakerHistory h = worker(m, "w1");
        assertEquals(List.of(new Transition(start.plusSeconds(5), Phase.CLOSED, Phase.OPEN,
                "hang: 5 consecutive failures")), h.transitions());
        assertEquals(start.plusSeconds(5), h.phaseSince());
        assertEquals(1L, (long) h.transitionsInto().get(Phase.OPEN));
        assertEquals(5, h.failures().size());
        assertEquals(new Failure(start.plusSeconds(1), FailureClass.PAGE_CRASH, "attempt 0"), h.failures().get(0));
        assertEquals(new Failure(start.plusSeconds(5), FailureClass.HANG, "attempt 4"), h.failures().get(4));
        // the backend counted the same failures and says whose they were; it is still closed
        BreakerHistory b = m.backendHistory("cr").orElseThrow();
        assertEquals("worker w1: attempt 4", b.failures().get(4).message());
        assertTrue(b.transitions().isEmpty());
    }

    @Test
    public void openingOnTheFailureRateNamesTheRate() {
        CircuitHealthMonitor m = monitor();
        for (int i = 0; i < 10; i++) {
            m.recordSuccess("w1", "cr", "m", FAST);
            m.recordFailure("w1", "cr", FailureClass.OUT_OF_MEMORY);
        }
        Transition t = worker(m, "w1").lastTransition().orElseThrow();
        assertEquals(Phase.OPEN, t.to());
        assertEquals("out_of_memory: at least 10 of the last 20 calls failed", t.cause());
        assertEquals("no detail given", "", worker(m, "w1").failures().get(0).message());
    }

    @Test
    public void theWholeCycleIsRecordedWithItsCauses() throws InterruptedException {
        CircuitHealthMonitor m = monitor();
        crash(m, 5);
        pastOpenDelay();
        clock.advance(Duration.ofSeconds(30));
        assertTrue(m.allows("w1", "cr"));
        clock.advance(Duration.ofSeconds(1));
        m.recordFailure("w1", "cr", FailureClass.CONNECTION_LOST, "socket closed");
        pastOpenDelay();
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            assertTrue(m.allows("w1", "cr"));
        }
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            m.recordSuccess("w1", "cr", "m", FAST);
        }
        assertEquals(Phase.CLOSED, m.workerBreaker("w1").orElseThrow().phase());
        BreakerHistory h = worker(m, "w1");
        assertEquals(List.of(
                new Transition(start, Phase.CLOSED, Phase.OPEN, "page_crash: 5 consecutive failures"),
                new Transition(start.plusSeconds(30), Phase.OPEN, Phase.HALF_OPEN, "open delay of 5 ms passed"),
                new Transition(start.plusSeconds(31), Phase.HALF_OPEN, Phase.OPEN,
                        "trial call failed: connection_lost"),
                new Transition(start.plusSeconds(61), Phase.OPEN, Phase.HALF_OPEN, "open delay of 5 ms passed"),
                new Transition(start.plusSeconds(62), Phase.HALF_OPEN, Phase.CLOSED, "3 trial calls succeeded")),
                h.transitions());
        assertEquals(Map.of(Phase.CLOSED, 1L, Phase.OPEN, 2L, Phase.HALF_OPEN, 2L), h.transitionsInto());
        assertEquals(start.plusSeconds(62), h.phaseSince());
    }

    private static void crash(CircuitHealthMonitor m, int times) {
        for (int i = 0; i < times; i++) {
            m.recordFailure("w1", "cr", FailureClass.PAGE_CRASH);
        }
    }

    @Test
    public void theHistoryKeepsOnlyTheNewestEntriesButCountsEveryTransition() throws InterruptedException {
        CircuitHealthMonitor m = monitor(2, 3, "cr:halfOpenTrials=1");
        crash(m, 5);
        for (int cycle = 0; cycle < 3; cycle++) {
            pastOpenDelay();
            clock.advance(Duration.ofSeconds(1));
            assertTrue(m.allows("w1", "cr"));
            m.recordFailure("w1", "cr", FailureClass.HANG, "cycle " + cycle);
        }
        BreakerHistory h = worker(m, "w1");
        assertEquals(2, h.transitions().size());
        assertEquals(Phase.HALF_OPEN, h.transitions().get(0).to());
        assertEquals(new Transition(start.plusSeconds(3), Phase.HALF_OPEN, Phase.OPEN, "trial call failed: hang"),
                h.transitions().get(1));
        assertEquals(List.of("cycle 0", "cycle 1", "cycle 2"),
                h.failures().stream().map(Failure::message).toList());
        assertEquals(Map.of(Phase.CLOSED, 0L, Phase.OPEN, 4L, Phase.HALF_OPEN, 3L), h.transitionsInto());
    }

    @Test
    public void aTrialGivenBackIsNoPhaseChange() throws InterruptedException {
        CircuitHealthMonitor m = monitor(32, 16, "cr:halfOpenTrials=1", "cr:backendConsecutiveFailures=5");
        crash(m, 5); // opens the worker and the backend
        pastOpenDelay();
        assertTrue(m.allows("w2", "cr")); // the backend's only trial goes to another worker
        assertFalse(m.allows("w1", "cr")); // w1's trial is taken and given back
        List<Phase> phases = worker(m, "w1").transitions().stream().map(Transition::to).toList();
        assertEquals(List.of(Phase.OPEN, Phase.HALF_OPEN), phases);
    }

    @Test
    public void aSlowCallIsAFailureWithoutAClass() {
        CircuitHealthMonitor m = monitor();
        m.recordSuccess("w1", "cr", "m", Duration.ofMillis(2500));
        Failure f = worker(m, "w1").failures().get(0);
        assertNull(f.failureClass());
        assertTrue(f.isSlowCall());
        assertEquals("slow_call", f.kind());
        assertEquals("took 2500 ms; slow from 2000 ms", f.message());
    }

    @Test
    public void failuresThatAreNotTheWorkersFaultAreNotRecorded() {
        CircuitHealthMonitor m = monitor();
        m.recordFailure("w1", "cr", FailureClass.INVALID_INPUT, "bad shape");
        m.recordFailure("w1", "cr", FailureClass.MODEL_ERROR, "broken graph");
        assertTrue(m.workerHistory("w1").isEmpty());
        assertTrue(m.histories().isEmpty());
    }

    @Test
    public void aLongMessageIsCut() {
        CircuitHealthMonitor m = monitor();
        m.recordFailure("w1", "cr", FailureClass.BROWSER_CRASH, "x".repeat(5000));
        String kept = worker(m, "w1").failures().get(0).message();
        assertEquals(BreakerJournal.MESSAGE_LIMIT, kept.length());
        assertTrue(kept.endsWith("…"));
    }

    @Test
    public void historiesAreListedLikeTheBreakersAndForgottenWithTheWorker() {
        CircuitHealthMonitor m = monitor();
        m.recordSuccess("w2", "cr", "m", FAST);
        m.recordSuccess("w1", "cr", "m", FAST);
        assertEquals(List.of("cr", "w1", "w2"), m.histories().stream().map(BreakerHistory::id).toList());
        m.forget("w1");
        assertTrue(m.workerHistory("w1").isEmpty());
        assertEquals(List.of("cr", "w2"), m.histories().stream().map(BreakerHistory::id).toList());
    }

    @Test
    public void aCapacityOutOfRangeIsRefusedWithItsName() {
        for (int bad : new int[] {0, 1001}) {
            try {
                monitor(bad, 16);
                fail("accepted historyTransitions " + bad);
            } catch (IllegalArgumentException e) {
                assertEquals("historyTransitions must be 1-1000; got " + bad, e.getMessage());
            }
        }
        try {
            monitor(32, -1);
            fail("accepted historyFailures -1");
        } catch (IllegalArgumentException e) {
            assertEquals("historyFailures must be 1-1000; got -1", e.getMessage());
        }
    }
}
