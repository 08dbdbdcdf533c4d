package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.webaccel.pool.internal.Tickets.ticket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class RequestQueueTest {

    private static ModelSettings settings(String concurrency, String weights, String limits) {
        return new ModelSettings(ModelSettings.ints("modelConcurrency", concurrency),
                ModelSettings.doubles("modelWeights", weights), ModelSettings.ints("modelQueueLimits", limits),
                java.util.Map.of(), java.util.Map.of(), java.util.Map.of());
    }

    /** Takes requests the way the dispatcher does, one at a time, each running and ending at once. */
    private static List<String> drain(RequestQueue q) {
        List<String> order = new ArrayList<>();
        for (Ticket t; (t = q.next(Set.of())) != null;) {
            q.started(List.of(t));
            q.runEnded(t.request.model.name());
            order.add(t.request.model.name() + t.request.options.priority());
        }
        return order;
    }

    @Test
    public void aFullQueueAndAModelAtItsLimitRefuseWithTheirReasons() {
        RequestQueue q = new RequestQueue();
        q.settings(settings("", "", "a=1"));
        assertNull(q.admit(ticket("a", 0), 2));
        assertEquals("queue full for model a: 1 of its requests are waiting (limit 1); retry later",
                q.admit(ticket("a", 0), 2));
        assertNull(q.admit(ticket("b", 0), 2));
        assertEquals("queue full: 2 requests are waiting (capacity 2); retry later", q.admit(ticket("b", 0), 2));
        assertEquals(2, q.size());
    }

    @Test
    public void higherPriorityFirstThenArrivalAndARetryAheadOfItsBand() {
        RequestQueue q = new RequestQueue();
        Ticket retried = ticket("r", 0);
        q.admit(ticket("a", 0), 10);
        q.admit(ticket("b", 5), 10);
        q.admit(ticket("c", 0), 10);
        q.requeue(retried);
        assertEquals(List.of("b5", "r0", "a0", "c0"), drain(q));
    }

    @Test
    public void modelsTakeTurnsInProportionToTheirWeights() {
        RequestQueue q = new RequestQueue();
        q.settings(settings("", "heavy=2", ""));
        for (int i = 0; i < 6; i++) {
            q.admit(ticket("heavy", 0), 100);
        }
        for (int i = 0; i < 3; i++) {
            q.admit(ticket("light", 0), 100);
        }
        // start tags: heavy 0, .5, 1, 1.5, ...; light 0, 1, 2: the lighter model gets one turn in three
        assertEquals(List.of("heavy0", "light0", "heavy0", "heavy0", "light0", "heavy0", "heavy0", "light0",
                "heavy0"), drain(q));
    }

    @Test
    public void aModelAtItsConcurrencyLimitIsPassedOverUntilARunEnds() {
        RequestQueue q = new RequestQueue();
        q.settings(settings("a=1", "", ""));
        Ticket a1 = ticket("a", 0);
        q.admit(a1, 10);
        q.admit(ticket("a", 0), 10);
        q.admit(ticket("b", 0), 10);
        q.started(List.of(q.next(Set.of())));
        assertEquals(1, q.running("a"));
        assertEquals("b", q.next(Set.of()).request.model.name());
        q.runEnded("a");
        Ticket next = q.next(Set.of());
        assertTrue(next.request.model.name().equals("a") || next.request.model.name().equals("b"));
    }

    @Test
    public void blockedKeysArePassedOverForTheRound() {
        RequestQueue q = new RequestQueue();
        Ticket a = ticket("a", 0);
        Ticket b = ticket("b", 0);
        q.admit(a, 10);
        q.admit(b, 10);
        assertSame(b, q.next(Set.of(a.blockKey())));
        assertNull(q.next(Set.of(a.blockKey(), b.blockKey())));
    }

    @Test
    public void removingAndClearingKeepTheCountsRight() {
        RequestQueue q = new RequestQueue();
        q.settings(settings("", "", "a=1"));
        Ticket a = ticket("a", 0, 1, org.webaccel.api.ExecutionProvider.WASM, 100);
        q.admit(a, 10);
        assertEquals(900, q.oldestWaitNanos(1000));
        assertTrue(q.remove(a));
        assertFalse(q.remove(a));
        assertFalse(a.queued);
        assertNull("room for model a again", q.admit(ticket("a", 0), 10));
        assertEquals(1, q.clear().size());
        assertEquals(0, q.size());
        assertEquals(0, q.oldestWaitNanos(1000));
    }
}
