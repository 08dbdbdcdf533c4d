package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.transport.PageException;
import org.webaccel.api.transport.WorkerChannel;

/** Moving shared tensors: read from their page, handed to the run to keep; read failures run in place. */
public class TensorMovesTest {
    private static final Tensor HIDDEN = Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3});
    private static final Ran RAN = new Ran(null, List.of(), null, -1);

    /** A page that holds one tensor, {@code t1}, and answers reads of it. */
    private static WorkerChannel holder(boolean holds) {
        return Workers.channel("w-1", Workers.capabilities(false), ids -> holds
                ? CompletableFuture.completedFuture(Map.of("t1", HIDDEN))
                : CompletableFuture.failedFuture(new PageException("fetch", "SharedTensorMissing",
                        "shared tensor t1 is not held by this page")));
    }

    private static final Map<String, SharedTensor> REFERENCES = Map.of("hidden_states", new SharedTensor("t1", "w-1",
            "enc:1", "last_hidden_state", DType.FLOAT32, new long[] {1, 3}, 12, "gpu-buffer", 1, false, 0));

    @Test
    public void theTensorsGoWithTheRunToBeKeptThereAndAreCounted() throws Exception {
        TensorMoves moves = new TensorMoves();
        Ran ran = moves.moveAndRun(holder(true), REFERENCES, (inputs, adopt) -> {
            assertEquals(Map.of("hidden_states", HIDDEN), inputs);
            assertEquals(Map.of("hidden_states", "t1"), adopt);
            return CompletableFuture.completedFuture(RAN);
        }, () -> {
            throw new AssertionError("ran in place");
        }).get();
        assertSame(RAN, ran);
        assertEquals(1, moves.tensors());
        assertEquals(12, moves.bytes());
    }

    @Test
    public void tensorsThatCannotBeReadLeaveTheRunToTheirPage() throws Exception {
        TensorMoves moves = new TensorMoves();
        for (WorkerChannel holder : new WorkerChannel[] {holder(false), null}) {
            Ran ran = moves.moveAndRun(holder, REFERENCES, (inputs, adopt) -> {
                throw new AssertionError("moved");
            }, () -> CompletableFuture.completedFuture(RAN)).get();
            assertSame(RAN, ran);
        }
        assertEquals(0, moves.tensors());
        assertEquals(0, moves.bytes());
    }
}
