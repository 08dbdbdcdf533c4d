package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.webaccel.pool.internal.Tickets.ticket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.Score;

public class PlacementTest {

    @Test
    public void withoutAPolicyAutoMeansWasmOnAWorkerThatHasTheModelAlready() {
        Worker cold = Workers.ready("cold", "b", true, 1);
        Worker warm = Workers.ready("warm", "b", true, 1);
        Ticket t = ticket("m", 0, 1, ExecutionProvider.AUTO, 0);
        warm.loaded.add(Worker.sessionKey(t.request, ExecutionProvider.WASM));

        Placement.Choice c = Placement.choose(t, List.of(cold, warm), null, null);

        assertEquals(warm, c.worker());
        assertEquals(ExecutionProvider.WASM, c.ep());
    }

    @Test
    public void aRequestedProviderNeedsAWorkerThatHasIt() {
        Worker cpuOnly = Workers.ready("cpu", "b", false, 1);
        Ticket t = ticket("m", 0, 1, ExecutionProvider.WEBGPU, 0);
        assertNull(Placement.choose(t, List.of(cpuOnly), null, null));
        Worker gpu = Workers.ready("gpu", "b", true, 1);
        assertEquals(gpu, Placement.choose(t, List.of(cpuOnly, gpu), null, null).worker());
    }

    @Test
    public void aPolicyRanksEveryWorkerAndProviderAndTheFirstEligibleWins() {
        Worker a = Workers.ready("a", "b", true, 1);
        Worker b = Workers.ready("b", "b", true, 1);
        List<Candidate> seen = new ArrayList<>();
        // prefers b on webgpu; marks everything on a ineligible
        PlacementPolicy policy = (request, candidates) -> {
            seen.addAll(candidates);
            return candidates.stream().map(c -> new Score(c, !c.workerId().equals("a"), "", c.workerId().equals("b")
                    && c.executionProvider() == ExecutionProvider.WEBGPU ? 10 : 1, java.util.Map.of()))
                    .sorted(Comparator.comparing((Score s) -> !s.eligible()).thenComparing(Score::total,
                            Comparator.reverseOrder())).toList();
        };
        Placement.Choice c = Placement.choose(ticket("m", 0, 1, ExecutionProvider.AUTO, 0), List.of(a, b), null, policy);
        assertEquals(b, c.worker());
        assertEquals(ExecutionProvider.WEBGPU, c.ep());
        assertEquals("two workers, wasm and webgpu each", 4, seen.size());
    }

    @Test
    public void aProviderTheModelCannotBeLoadedOnIsNeverChosen() {
        Worker gpu = Workers.ready("gpu", "b", true, 1);
        Ticket t = ticket("m", 0, 1, ExecutionProvider.AUTO, 0);
        SessionFailures failures = new SessionFailures();
        failures.record(t.request.model.id(), "b", ExecutionProvider.WASM, "no kernel");

        Placement.Choice c = Placement.choose(t, List.of(gpu), null, null, failures);
        assertEquals("without a policy, auto takes the next provider the worker has", ExecutionProvider.WEBGPU, c.ep());

        List<Candidate> seen = new ArrayList<>();
        PlacementPolicy policy = (request, candidates) -> {
            seen.addAll(candidates);
            return candidates.stream().map(x -> new Score(x, true, "", 1, java.util.Map.of())).toList();
        };
        assertEquals(ExecutionProvider.WEBGPU, Placement.choose(t, List.of(gpu), null, policy, failures).ep());
        assertEquals("the policy is not offered wasm", List.of(ExecutionProvider.WEBGPU),
                seen.stream().map(Candidate::executionProvider).toList());

        failures.record(t.request.model.id(), "b", ExecutionProvider.WEBGPU, "no kernel either");
        assertNull(Placement.choose(t, List.of(gpu), null, null, failures));
        assertNull(Placement.choose(t, List.of(gpu), null, policy, failures));
        assertNull("a request for wasm finds no worker",
                Placement.choose(ticket("m", 0, 1, ExecutionProvider.WASM, 0), List.of(gpu), null, null, failures));
        Worker other = Workers.ready("other", "c", true, 1);
        assertEquals("another backend's worker still may", other, Placement.choose(t, List.of(gpu, other), null,
                null, failures).worker());
    }
}
