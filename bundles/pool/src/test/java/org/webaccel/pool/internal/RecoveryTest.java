package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.time.Duration;
import org.junit.Test;
import org.webaccel.api.health.FailureClass;

public class RecoveryTest {

    @Test
    public void everyClassHasAPlan() {
        for (FailureClass c : FailureClass.values()) {
            assertNotNull(c.name(), Recovery.plan(c));
        }
    }

    @Test
    public void failuresOfTheInputOrModelAreNeverRetried() {
        for (FailureClass c : new FailureClass[] {FailureClass.INVALID_INPUT, FailureClass.MODEL_ERROR,
                FailureClass.DEADLINE_EXCEEDED, FailureClass.REJECTED, FailureClass.SHUTDOWN}) {
            assertEquals(c.name(), Recovery.Retry.NEVER, Recovery.plan(c).retry());
        }
    }

    @Test
    public void lostWorkersAreRetriedElsewhereAndBrowsersRestartedWhereTheyFailed() {
        assertEquals(Recovery.Retry.OTHER_WORKER, Recovery.plan(FailureClass.CONNECTION_LOST).retry());
        assertEquals(Recovery.Retry.OTHER_WORKER, Recovery.plan(FailureClass.PAGE_CRASH).retry());
        assertEquals(Recovery.Retry.OTHER_WORKER, Recovery.plan(FailureClass.HANG).retry());
        assertEquals(Recovery.Action.RESTART_BROWSER, Recovery.plan(FailureClass.BROWSER_CRASH).action());
        assertEquals(Recovery.Action.RESTART_BROWSER, Recovery.plan(FailureClass.OUT_OF_MEMORY).action());
        assertEquals(Recovery.Retry.FALL_BACK, Recovery.plan(FailureClass.UNSUPPORTED_OPERATOR).retry());
    }

    @Test
    public void backoffDoublesUpToItsCap() {
        Recovery.Plan p = Recovery.plan(FailureClass.CONNECTION_LOST);
        assertEquals(Duration.ofMillis(20), p.delay(1));
        assertEquals(Duration.ofMillis(40), p.delay(2));
        assertEquals(Duration.ofMillis(80), p.delay(3));
        assertEquals(Duration.ofMillis(500), p.delay(30));
    }
}
