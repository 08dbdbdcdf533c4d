package org.webaccel.pool.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

public class BatchesTest {

    private static ModelDescriptor model(Dim first) {
        return new ModelDescriptor("m", "1", ModelType.VISION, "",
                List.of(new TensorSpec("x", DType.FLOAT32, List.of(first, Dim.of(2)), null)),
                List.of(new TensorSpec("y", DType.FLOAT32, List.of(first, Dim.of(2)), null)), Map.of());
    }

    @Test
    public void onlyModelsWhoseInputsStartWithASymbolicDimensionAreBatchable() {
        assertTrue(Batches.batchable(model(Dim.symbolic("batch"))));
        assertFalse(Batches.batchable(model(Dim.of(1))));
    }

    @Test
    public void aModelWithAScalarInputIsNotBatchedAndScalarsNeverJoin() {
        ModelDescriptor vad = new ModelDescriptor("vad", "1", ModelType.AUDIO, "",
                List.of(TensorSpec.of("input", DType.FLOAT32, Dim.symbolic("batch"), Dim.symbolic("sequence")),
                        TensorSpec.of("sr", DType.INT64)),
                List.of(TensorSpec.of("output", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(1))), Map.of());
        assertFalse(Batches.batchable(vad));
        Map<String, Tensor> s = Map.of("sr", Tensor.ofLongs(new long[0], 16000));
        assertFalse(Batches.compatible(s, s));
    }

    @Test
    public void joinsAlongTheFirstDimensionAndSplitsBackInOrder() {
        Map<String, Tensor> a = Map.of("x", Tensor.ofFloats(new long[] {1, 2}, 1, 2));
        Map<String, Tensor> b = Map.of("x", Tensor.ofFloats(new long[] {2, 2}, 3, 4, 5, 6));
        assertTrue(Batches.compatible(a, b));
        Map<String, Tensor> joined = Batches.join(List.of(a, b));
        assertEquals(Tensor.ofFloats(new long[] {3, 2}, 1, 2, 3, 4, 5, 6), joined.get("x"));
        List<Map<String, Tensor>> parts = Batches.split(Map.of("y", joined.get("x")), List.of(1L, 2L));
        assertEquals(a.get("x"), parts.get(0).get("y"));
        assertEquals(b.get("x"), parts.get(1).get("y"));
        assertArrayEquals(new long[] {2, 2}, parts.get(1).get("y").shape());
    }

    /** Strings have no fixed size: rows are found by their length prefixes. Empty batches join and split too. */
    @Test
    public void stringsAndEmptyBatchesJoinAndSplitBack() {
        Map<String, Tensor> a = Map.of("s", Tensor.ofStrings(new long[] {1, 2}, "a", "bcd"));
        Map<String, Tensor> b = Map.of("s", Tensor.ofStrings(new long[] {2, 2}, "", "é", "fg", "h"));
        Map<String, Tensor> joined = Batches.join(List.of(a, b));
        assertEquals(Tensor.ofStrings(new long[] {3, 2}, "a", "bcd", "", "é", "fg", "h"), joined.get("s"));
        List<Map<String, Tensor>> parts = Batches.split(joined, List.of(1L, 2L));
        assertEquals(a.get("s"), parts.get(0).get("s"));
        assertEquals(b.get("s"), parts.get(1).get("s"));

        Map<String, Tensor> none = Map.of("x", Tensor.ofFloats(new long[] {0, 2}));
        Map<String, Tensor> empty = Batches.join(List.of(none, none));
        assertArrayEquals(new long[] {0, 2}, empty.get("x").shape());
        List<Map<String, Tensor>> back = Batches.split(Map.of("y", Tensor.ofFloats(new long[] {0, 5})),
                List.of(0L, 0L));
        assertArrayEquals(new long[] {0, 5}, back.get(1).get("y").shape());
    }

    @Test
    public void requestsWithOtherTrailingDimensionsOrDtypesDoNotJoin() {
        Map<String, Tensor> a = Map.of("x", Tensor.ofFloats(new long[] {1, 2}, 1, 2));
        assertFalse(Batches.compatible(a, Map.of("x", Tensor.ofFloats(new long[] {1, 3}, 1, 2, 3))));
        assertFalse(Batches.compatible(a, Map.of("x", Tensor.ofLongs(new long[] {1, 2}, 1, 2))));
        assertFalse(Batches.compatible(a, Map.of("z", Tensor.ofFloats(new long[] {1, 2}, 1, 2))));
    }

    @Test
    public void anOutputWithoutTheJoinedBatchDimensionIsAnError() {
        try {
            Batches.split(Map.of("y", Tensor.ofFloats(new long[] {2}, 1, 2)), List.of(1L, 2L));
            fail();
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("joined batch size 3"));
        }
    }
}
