package org.webaccel.models.internal.demo;

import static org.webaccel.models.internal.demo.GraphBuilder.floatAttr;
import static org.webaccel.models.internal.demo.GraphBuilder.intAttr;
import static org.webaccel.models.internal.demo.GraphBuilder.intsAttr;

import java.util.List;

/**
 * The layers the demo models share, each spelled out in standard ONNX operators (no fused or contrib
 * ops), so that every execution provider of ONNX Runtime Web can run them. Tensor names are the
 * layer name plus a suffix, e.g. {@code layer0.attention.q}.
 */
final class Layers {
    private final GraphBuilder graph;
    private final Weights weights;

    Layers(GraphBuilder graph, Weights weights) {
        this.graph = graph;
        this.weights = weights;
    }

    GraphBuilder graph() {
        return graph;
    }

    Weights weights() {
        return weights;
    }

    /** {@code x @ W + b} over the last axis, W of shape [in, out]. */
    String linear(String name, String x, int in, int out) {
        String w = graph.floats(name + ".weight", weights.xavier(in, out, in * out), in, out);
        String b = graph.floats(name + ".bias", weights.uniform(out, 0.02f), out);
        String mm = graph.node(name + ".matmul", "MatMul", List.of(x, w));
        return graph.node(name, "Add", List.of(mm, b));
    }

    /** LayerNormalization over the last axis with unit scale and zero shift. */
    String layerNorm(String name, String x, int size) {
        String scale = graph.floats(name + ".scale", Weights.filled(size, 1f), size);
        String shift = graph.floats(name + ".shift", Weights.filled(size, 0f), size);
        return graph.node(name, "LayerNormalization", List.of(x, scale, shift),
                intAttr("axis", -1), floatAttr("epsilon", 1e-5f));
    }

    /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}: Erf is standard where the Gelu op is not (opset 20). */
    String gelu(String name, String x) {
        String scaled = graph.node(name + ".scaled", "Div", List.of(x, graph.scalar(name + ".sqrt2", (float) Math.sqrt(2))));
        String erf = graph.node(name + ".erf", "Erf", List.of(scaled));
        String plusOne = graph.node(name + ".plus1", "Add", List.of(erf, graph.scalar(name + ".one", 1f)));
        String times = graph.node(name + ".times_x", "Mul", List.of(x, plusOne));
        return graph.node(name, "Mul", List.of(times, graph.scalar(name + ".half", 0.5f)));
    }

    /**
     * Multi-head self-attention over {@code x} of shape [batch, steps, hidden], followed by the output
     * projection.
     *
     * @param scoreBias an additive bias broadcastable to [batch, heads, steps, steps] (large negative at
     *        masked keys), or null for none
     */
    String selfAttention(String name, String x, int hidden, int heads, String scoreBias) {
        int headSize = hidden / heads;
        // Reshape with 0 copies batch and steps from the input, so both stay dynamic.
        String split = graph.vector(name + ".split_shape", 0, 0, heads, headSize);
        String merge = graph.vector(name + ".merge_shape", 0, 0, hidden);

        String q = heads(name + ".q", linear(name + ".q", x, hidden, hidden), split, 0, 2, 1, 3);
        String kT = heads(name + ".k", linear(name + ".k", x, hidden, hidden), split, 0, 2, 3, 1);
        String v = heads(name + ".v", linear(name + ".v", x, hidden, hidden), split, 0, 2, 1, 3);

        String scores = graph.node(name + ".scores", "MatMul", List.of(q, kT));
        String scaled = graph.node(name + ".scores_scaled", "Mul",
                List.of(scores, graph.scalar(name + ".inv_sqrt_head", (float) (1 / Math.sqrt(headSize)))));
        if (scoreBias != null) {
            scaled = graph.node(name + ".scores_masked", "Add", List.of(scaled, scoreBias));
        }
        String probs = graph.node(name + ".probs", "Softmax", List.of(scaled), intAttr("axis", -1));
        String context = graph.node(name + ".context", "MatMul", List.of(probs, v));
        String steps = graph.node(name + ".context_steps", "Transpose", List.of(context), intsAttr("perm", 0, 2, 1, 3));
        String merged = graph.node(name + ".context_merged", "Reshape", List.of(steps, merge));
        return linear(name + ".out", merged, hidden, hidden);
    }

    private String heads(String name, String x, String splitShape, long... perm) {
        String split = graph.node(name + ".heads", "Reshape", List.of(x, splitShape));
        return graph.node(name + ".heads_t", "Transpose", List.of(split), intsAttr("perm", perm));
    }
}
