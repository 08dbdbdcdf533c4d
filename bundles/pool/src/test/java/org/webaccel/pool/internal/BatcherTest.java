package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.webaccel.pool.internal.Tickets.ticket;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;

public class BatcherTest {

    private static ModelSettings batching(String max, String preferred, String delayMillis) {
        return new ModelSettings(Map.of(), Map.of(), Map.of(), ModelSettings.ints("batchMaxSize", max),
                ModelSettings.ints("batchPreferredSize", preferred), ModelSettings.ints("batchMaxDelayMillis",
                        delayMillis));
    }

    @Test
    public void withoutBatchingEachRequestRunsAlone() {
        Ticket a = ticket("m", 0);
        assertEquals(List.of(a), Batcher.plan(a, List.of(a, ticket("m", 0)), ModelSettings.NONE, 0).members());
    }

    @Test
    public void sameModelAndProviderJoinUpToTheLargestBatch() {
        ModelSettings s = batching("m=4", "", "");
        Ticket lead = ticket("m", 0, 2, ExecutionProvider.WASM, 0);
        Ticket fits = ticket("m", 0, 1, ExecutionProvider.WASM, 0);
        Ticket otherModel = ticket("n", 0, 1, ExecutionProvider.WASM, 0);
        Ticket otherProvider = ticket("m", 0, 1, ExecutionProvider.WEBGPU, 0);
        Ticket tooBig = ticket("m", 0, 2, ExecutionProvider.WASM, 0);
        Ticket last = ticket("m", 0, 1, ExecutionProvider.WASM, 0);
        List<Ticket> queue = List.of(lead, fits, otherModel, otherProvider, tooBig, last);
        assertEquals(List.of(lead, fits, last), Batcher.plan(lead, queue, s, 0).members());
    }

    @Test
    public void aSmallBatchWaitsForItsPreferredSizeUntilItsOldestHasWaitedTheDelay() {
        ModelSettings s = batching("m=8", "m=4", "m=100");
        Ticket lead = ticket("m", 0, 1, ExecutionProvider.WASM, 0);
        Batcher.Plan early = Batcher.plan(lead, List.of(lead), s, 40_000_000L);
        assertTrue(early.waits());
        assertEquals(60_000_000L, early.waitNanos());
        assertEquals(List.of(lead), Batcher.plan(lead, List.of(lead), s, 100_000_000L).members());
    }

    @Test
    public void aRequestThatAvoidsABackendRunsAlone() {
        ModelSettings s = batching("m=4", "", "");
        Ticket lead = ticket("m", 0);
        Ticket avoiding = ticket("m", 0);
        avoiding.route = avoiding.route.avoiding("chromium");
        assertEquals(List.of(lead), Batcher.plan(lead, List.of(lead, avoiding), s, 0).members());
        assertEquals(List.of(avoiding), Batcher.plan(avoiding, List.of(lead, avoiding), s, 0).members());
    }
}
