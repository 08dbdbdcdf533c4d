package org.webaccel.harness.soak;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;
import org.webaccel.harness.bench.BenchOptions;
import org.webaccel.harness.bench.Figure;

/**
 * The soak benchmark on its tiny configuration, so that it cannot rot: every request gets an answer (a result,
 * or 503 when the request memory or the queue is full), every sample is taken, and no process the container
 * started outlives it.
 */
public class SoakBenchmarkTest {

    @Test
    public void theTinyRunAnswersEveryRequestAndLeavesNoProcess() throws Exception {
        SoakRunner.Outcome o = new SoakRunner(SoakRunner.Config.tiny()).run(BenchOptions.output("soak-tiny"));

        assertEquals(List.of("soak-large", "soak-steady", "soak-stop"),
                o.report().figures().stream().map(Figure::id).toList());
        assertTrue("requests answered: " + o.answered(), o.answered() > 0);
        assertEquals("answers other than 200 and 503", 0, o.otherStatus());
        assertEquals("requests without an answer", 0, o.noAnswer());
        assertEquals("processes left after the container stopped", 0, o.processesLeft());
        Figure steady = o.report().figures().get(1);
        assertEquals(4, steady.find("live heap after GC").samples().size());
        assertTrue(steady.find("browsers' PSS (main processes and helpers)").summary().min() > 0);
    }
}
