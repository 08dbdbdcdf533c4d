package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** Cosine, absolute and relative errors of outputs against a reference. */
public class OutputComparisonTest {

    @Test
    public void aVectorOutputIsComparedPerInput() {
        OutputComparison c = OutputComparison.of(
                List.of(Map.of("y", new float[] {1, 0}), Map.of("y", new float[] {0, 1})),
                List.of(Map.of("y", new float[] {1, 0}), Map.of("y", new float[] {1, 1})));
        assertEquals(Math.sqrt(0.5), c.minCosine(), 1e-12);
        assertEquals(1, c.maxAbsError(), 0);
        assertEquals(0.5, c.meanRelativeSquaredError(), 1e-12);
    }

    @Test
    public void aScoreOfOneValuePerInputIsComparedOverAllInputs() {
        // per input, every pair has the same sign and so a cosine of 1; over the inputs the scores disagree
        OutputComparison c = OutputComparison.of(
                List.of(Map.of("score", new float[] {0.9f}), Map.of("score", new float[] {0.1f})),
                List.of(Map.of("score", new float[] {0.1f}), Map.of("score", new float[] {0.9f})));
        assertEquals(2 * 0.9 * 0.1 / (0.81 + 0.01), c.minCosine(), 1e-6);
        assertEquals(0.8, c.maxAbsError(), 1e-6);
    }

    @Test
    public void identicalOutputsHaveCosineOneAndNoError() {
        List<Map<String, float[]>> r = List.of(Map.of("score", new float[] {0.3f}, "y", new float[] {1, 2}),
                Map.of("score", new float[] {0.5f}, "y", new float[] {3, 4}));
        OutputComparison c = OutputComparison.of(r, r);
        assertEquals(1, c.minCosine(), 1e-12);
        assertEquals(0, c.maxAbsError(), 0);
        assertEquals(0, c.meanRelativeSquaredError(), 0);
    }
}
