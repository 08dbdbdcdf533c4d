package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;

/** Which workers may take the next run: with pipelining, a page gets a second run only when all are busy. */
public class WorkerSetTest {

    private static Attempt attemptOn(Worker w) {
        Ticket t = Tickets.ticket("m", 0);
        Attempt a = new Attempt(1, w, List.of(t), ExecutionProvider.WASM, 0);
        w.take(a);
        return a;
    }

    @Test
    public void aBusyPageGetsASecondRunOnlyWhenEveryPageIsBusy() {
        WorkerSet set = new WorkerSet();
        Worker a = Workers.ready("a", "chromium", false, 2);
        Worker b = Workers.ready("b", "chromium", false, 2);
        set.add(a);
        set.add(b);
        Ticket next = Tickets.ticket("m", 0);
        assertEquals(List.of(a, b), set.withRoomFor(next));

        attemptOn(a);
        assertEquals("the idle page first", List.of(b), set.withRoomFor(next));

        attemptOn(b);
        assertEquals("both busy: either may hold one more", List.of(a, b), set.withRoomFor(next));

        attemptOn(a);
        assertEquals(List.of(b), set.withRoomFor(next));
        attemptOn(b);
        assertEquals("both full at depth 2", List.of(), set.withRoomFor(next));
    }

    @Test
    public void withoutPipeliningABusyPageTakesNothing() {
        WorkerSet set = new WorkerSet();
        Worker a = Workers.ready("a", "chromium", false, 1);
        set.add(a);
        attemptOn(a);
        assertEquals(List.of(), set.withRoomFor(Tickets.ticket("m", 0)));
    }

    @Test
    public void aRequiredBackendTakesOnlyItsWorkersAndAPreferredOneItsFreeWorkersFirst() {
        WorkerSet set = new WorkerSet();
        Worker c = Workers.ready("c", "chromium", false, 1);
        Worker f = Workers.ready("f", "firefox", false, 1);
        set.add(c);
        set.add(f);
        assertEquals(List.of(c, f), set.withRoomFor(Tickets.ticket("m", (BackendChoice) null)));
        assertEquals(List.of(f), set.withRoomFor(Tickets.ticket("m", BackendChoice.require("firefox"))));
        assertEquals(List.of(f), set.withRoomFor(Tickets.ticket("m", BackendChoice.prefer("FireFox"))));

        attemptOn(f);
        assertEquals("required: waits for its busy worker", List.of(),
                set.withRoomFor(Tickets.ticket("m", BackendChoice.require("firefox"))));
        assertEquals("preferred: another worker when none of it is free", List.of(c),
                set.withRoomFor(Tickets.ticket("m", BackendChoice.prefer("firefox"))));
    }

    @Test
    public void aRequestRequiringABackendWithNoWorkerWaitsAndOneItsBackendFailedEnds() {
        WorkerSet set = new WorkerSet();
        set.add(Workers.ready("c", "chromium", false, 1));
        Ticket t = Tickets.ticket("m", BackendChoice.require("firefox"));
        assertTrue("its backend may come back", set.anyCouldServe(t));
        Worker f = Workers.ready("f", "firefox", false, 1);
        set.add(f);
        t.route = t.route.avoiding("firefox");
        assertFalse("the backend it requires failed the model", set.anyCouldServe(t));
        assertTrue(set.unsupportedReasons(t), set.unsupportedReasons(t).contains("c: the request requires backend firefox"));
    }

    @Test
    public void sharedTensorsMoveOnlyWhenTheirPageCannotOrShouldNotRunTheRequest() {
        WorkerSet set = new WorkerSet();
        Worker c = Workers.ready("c", "chromium", false, 2);
        Worker g = Workers.ready("g", "chromium", true, 2);
        Worker f = Workers.ready("f", "firefox", false, 2);
        set.add(c);
        set.add(g);
        set.add(f);
        Route any = Tickets.ticket("m", (BackendChoice) null).route;
        assertFalse("its page can run it", set.betterThanHolder("c", any));
        attemptOn(c);
        assertFalse("a busy page is waited for", set.betterThanHolder("c", any));
        assertTrue("another backend is required",
                set.betterThanHolder("c", Tickets.ticket("m", BackendChoice.require("firefox")).route));
        assertTrue("another backend is preferred and has a page",
                set.betterThanHolder("c", Tickets.ticket("m", BackendChoice.prefer("firefox")).route));
        assertFalse("the holder is of the preferred backend",
                set.betterThanHolder("c", Tickets.ticket("m", BackendChoice.prefer("chromium")).route));
        Route webgpu = new Route(ExecutionProvider.WEBGPU, java.util.Set.of(), false, null);
        assertTrue("the holder has no WebGPU, another page has", set.betterThanHolder("c", webgpu));
        assertFalse(set.betterThanHolder("g", webgpu));
        assertFalse("a page not in service holds nothing to move", set.betterThanHolder("gone", any));
        c.drain();
        assertTrue("a draining page gives its tensors away", set.betterThanHolder("c", any));
    }
}
