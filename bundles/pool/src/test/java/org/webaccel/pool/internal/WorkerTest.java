package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.webaccel.pool.internal.Tickets.ticket;

import java.util.List;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;

public class WorkerTest {

    private static Attempt run(Worker w) {
        Ticket t = ticket("m", 0);
        t.turn = new java.util.concurrent.CompletableFuture<>();
        Attempt a = new Attempt(1, w, List.of(t), ExecutionProvider.WASM, 0);
        w.take(a);
        return a;
    }

    @Test
    public void startsThenTakesAsManyRunsAsItsDepth() {
        Worker w = new Worker("w", Workers.ready("x", "b", false, 1).host, 2);
        w.channel = Workers.channel("w", Workers.capabilities(false));
        assertTrue(w.isStarting());
        assertFalse(w.hasRoom());
        assertTrue(w.ready(5));
        assertFalse("ready once", w.ready(6));
        assertTrue(w.isIdle());
        Attempt first = run(w);
        assertTrue(w.isBusy());
        assertTrue("depth 2: room for one more", w.hasRoom());
        Attempt second = run(w);
        assertFalse(w.hasRoom());
        assertEquals("busy", w.stateName());
        assertFalse(w.finish(first, 10, false));
        assertTrue(w.hasRoom());
        assertFalse(w.finish(second, 11, false));
        assertTrue(w.isIdle());
    }

    @Test
    public void aDrainedBusyWorkerClosesWhenItsLastRunEnds() {
        Worker w = Workers.ready("w", "b", false, 1);
        Attempt a = run(w);
        assertFalse("busy: not out of service yet", w.drain());
        assertFalse(w.hasRoom());
        assertTrue("its last run ended: out of service now", w.finish(a, 1, false));
        assertTrue(w.isClosed());
        assertFalse("closed once", w.drain());
    }

    @Test
    public void aWorkerRetiringAfterARunClosesThen() {
        Worker w = Workers.ready("w", "b", false, 1);
        assertTrue(w.finish(run(w), 1, true));
        assertTrue(w.isClosed());
    }

    @Test
    public void anIdleWorkerIsReapedOnlyAfterItsIdleTime() {
        Worker w = Workers.ready("w", "b", false, 1);
        w.finish(run(w), 100, false);
        assertFalse("idle since 100, not before 50", w.reapIfIdle(50));
        assertTrue(w.reapIfIdle(200));
        assertTrue(w.isClosed());
    }

    @Test
    public void aLostWorkerGivesBackEveryRunItHadOnce() {
        Worker w = Workers.ready("w", "b", false, 2);
        Attempt a = run(w);
        Attempt b = run(w);
        assertEquals(List.of(a, b), w.lose());
        assertTrue(w.isClosed());
        assertEquals(List.of(), w.lose());
        assertFalse("a late answer finds it closed", w.finish(a, 1, false));
    }
}
