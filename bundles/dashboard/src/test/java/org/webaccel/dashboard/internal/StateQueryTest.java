package org.webaccel.dashboard.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import org.junit.Test;

public class StateQueryTest {

    @Test
    public void theStepKeepsAChartWithinItsPointsAndAboveFiveSeconds() {
        assertEquals(new StateQuery(Duration.ofMinutes(30), Duration.ofSeconds(15)), StateQuery.parse(null));
        assertEquals(Duration.ofSeconds(5), StateQuery.parse("1").step());
        StateQuery week = StateQuery.parse("10080");
        assertEquals(Duration.ofDays(7), week.window());
        assertEquals(StateQuery.MAX_POINTS, week.window().toMillis() / week.step().toMillis());
    }

    @Test
    public void badMinutesAreRefusedWithWhatIsAccepted() {
        for (String bad : new String[] {"0", "-3", "abc", "10081", "1.5", ""}) {
            try {
                StateQuery.parse(bad);
                fail("accepted minutes=" + bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().equals("minutes must be a whole number from 1 to 10080; got '"
                        + bad + "'"));
            }
        }
    }
}
