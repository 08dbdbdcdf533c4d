package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

public class LaunchBackoffTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final LaunchBackoff.Policy POLICY = new LaunchBackoff.Policy(500 * MS, 4000 * MS, 3);

    @Test
    public void theWaitDoublesAfterEachFailureUpToTheCap() {
        LaunchBackoff b = new LaunchBackoff();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(b.failed("no browser", 0, POLICY) / MS);
        }
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 4000L, 4000L), waits);
        assertEquals(6, b.failures());
    }

    @Test
    public void aLaunchWaitsUntilTheWaitHasPassed() {
        LaunchBackoff b = new LaunchBackoff();
        assertTrue(b.mayLaunch(0));
        long wait = b.failed("no browser", 1000 * MS, POLICY);
        assertFalse(b.mayLaunch(1000 * MS));
        assertFalse(b.mayLaunch(1000 * MS + wait - 1));
        assertTrue(b.mayLaunch(1000 * MS + wait));
    }

    @Test
    public void outOfServiceAfterTheConfiguredFailuresWithTheLastReasonUntilALaunchWorks() {
        LaunchBackoff b = new LaunchBackoff();
        b.failed("first", 0, POLICY);
        b.failed("second", 0, POLICY);
        assertNull(b.outOfService(POLICY));
        b.failed("Chromium /opt/x did not start: no such file", 0, POLICY);
        String why = b.outOfService(POLICY);
        assertTrue(why, why.startsWith("3 launches failed in a row"));
        assertTrue(why, why.endsWith("the last: Chromium /opt/x did not start: no such file"));
        assertEquals(3, b.succeeded());
        assertNull(b.outOfService(POLICY));
        assertEquals(0, b.failures());
        assertTrue(b.mayLaunch(0));
    }

    @Test
    public void aHugeFailureCountKeepsTheCap() {
        LaunchBackoff b = new LaunchBackoff();
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = b.failed("x", 0, POLICY);
        }
        assertEquals(4000 * MS, last);
    }
}
