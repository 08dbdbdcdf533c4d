package org.webaccel.models.internal.demo;

import static org.webaccel.models.internal.demo.GraphBuilder.intAttr;

import java.util.List;
import java.util.Map;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.TensorProto.DataType;

/**
 * A BERT-like text encoder with random weights: token and position embeddings, two post-norm encoder
 * layers, and a sentence embedding that averages the tokens the attention mask keeps.
 */
final class TextEncoderModel implements DemoModel {
    static final String NAME = "text-encoder";
    private static final long SEED = 1001;
    private static final int VOCAB = 1000;
    private static final int MAX_POSITIONS = 128;
    private static final int HIDDEN = 128;
    private static final int HEADS = 4;
    private static final int FFN = 512;
    private static final int LAYERS = 2;
    /** Added to the scores of masked keys: softmax gives them ~0 weight, yet nothing becomes -inf or NaN. */
    private static final float MASKED_SCORE = -10000f;

    @Override
    public ModelDescriptor descriptor() {
        Dim batch = Dim.symbolic("batch");
        Dim sequence = Dim.symbolic("sequence");
        return new ModelDescriptor(NAME, "1", ModelType.TEXT_EMBEDDING,
                "Demo BERT-like text encoder with random weights: " + LAYERS + " layers, hidden " + HIDDEN + ", "
                        + HEADS + " heads, vocabulary " + VOCAB + ", up to " + MAX_POSITIONS + " tokens; "
                        + "sentence_embedding is the mask-weighted mean of last_hidden_state.",
                List.of(new TensorSpec("input_ids", DType.INT64, List.of(batch, sequence), new long[] {0, VOCAB - 1}),
                        new TensorSpec("attention_mask", DType.INT64, List.of(batch, sequence), new long[] {0, 1})),
                List.of(TensorSpec.of("last_hidden_state", DType.FLOAT32, batch, sequence, Dim.of(HIDDEN)),
                        TensorSpec.of("sentence_embedding", DType.FLOAT32, batch, Dim.of(HIDDEN))),
                Map.of("batch", 1L, "sequence", 16L));
    }

    @Override
    public ModelProto build() {
        ModelDescriptor d = descriptor();
        GraphBuilder g = new GraphBuilder(NAME);
        Layers layers = new Layers(g, new Weights(SEED));
        String ids = g.input(d.inputs().get(0));
        String mask = g.input(d.inputs().get(1));

        String maskF = g.node("mask_float", "Cast", List.of(mask), intAttr("to", DataType.FLOAT.getNumber()));
        String x = embeddings(layers, ids);
        String scoreBias = scoreBias(g, maskF);
        for (int i = 0; i < LAYERS; i++) {
            x = encoderLayer(layers, "layer" + i, x, scoreBias);
        }
        String hidden = g.node("last_hidden_state", "Identity", List.of(x));
        g.node("sentence_embedding", "Div", List.of(maskedSum(g, hidden, maskF), tokenCount(g, maskF)));

        g.output(d.outputs().get(0));
        g.output(d.outputs().get(1));
        return g.build(d.description());
    }

    private static String embeddings(Layers layers, String ids) {
        GraphBuilder g = layers.graph();
        String words = g.floats("embeddings.word", layers.weights().uniform(VOCAB * HIDDEN, 1f), VOCAB, HIDDEN);
        String positions = g.floats("embeddings.position",
                layers.weights().uniform(MAX_POSITIONS * HIDDEN, 1f), MAX_POSITIONS, HIDDEN);
        String tokens = g.node("embeddings.tokens", "Gather", List.of(words, ids), intAttr("axis", 0));
        // The first `sequence` rows of the position table: Shape(start=1,end=2) is [sequence] as a 1-D
        // tensor, the form Slice takes for its ends, so batch and sequence stay dynamic.
        String length = g.node("embeddings.sequence_length", "Shape", List.of(ids), intAttr("start", 1), intAttr("end", 2));
        String used = g.node("embeddings.positions", "Slice",
                List.of(positions, g.vector("embeddings.slice_start", 0), length, g.vector("embeddings.slice_axis", 0)));
        String sum = g.node("embeddings.sum", "Add", List.of(tokens, used));
        return layers.layerNorm("embeddings.norm", sum, HIDDEN);
    }

    /** [batch, 1, 1, sequence]: 0 where the mask is 1, a large negative number where it is 0. */
    private static String scoreBias(GraphBuilder g, String maskF) {
        String dropped = g.node("mask_dropped", "Sub", List.of(g.scalar("mask_one", 1f), maskF));
        String bias = g.node("mask_bias", "Mul", List.of(dropped, g.scalar("mask_score", MASKED_SCORE)));
        return g.node("mask_bias_4d", "Unsqueeze", List.of(bias, g.vector("mask_bias_axes", 1, 2)));
    }

    private static String encoderLayer(Layers layers, String name, String x, String scoreBias) {
        GraphBuilder g = layers.graph();
        String attention = layers.selfAttention(name + ".attention", x, HIDDEN, HEADS, scoreBias);
        String attended = layers.layerNorm(name + ".attention_norm",
                g.node(name + ".attention_residual", "Add", List.of(x, attention)), HIDDEN);
        String inner = layers.gelu(name + ".ffn.gelu", layers.linear(name + ".ffn.in", attended, HIDDEN, FFN));
        String ffn = layers.linear(name + ".ffn.out", inner, FFN, HIDDEN);
        return layers.layerNorm(name + ".output_norm",
                g.node(name + ".ffn_residual", "Add", List.of(attended, ffn)), HIDDEN);
    }

    /** Sum over the sequence of the tokens the mask keeps: [batch, hidden]. */
    private static String maskedSum(GraphBuilder g, String hidden, String maskF) {
        String mask3 = g.node("pool.mask", "Unsqueeze", List.of(maskF, g.vector("pool.mask_axes", 2)));
        String kept = g.node("pool.kept", "Mul", List.of(hidden, mask3));
        return g.node("pool.sum", "ReduceSum", List.of(kept, g.vector("pool.sum_axes", 1)), intAttr("keepdims", 0));
    }

    /** Number of kept tokens per row, [batch, 1], at least a tiny positive number so an all-zero mask gives 0, not NaN. */
    private static String tokenCount(GraphBuilder g, String maskF) {
        String count = g.node("pool.count", "ReduceSum", List.of(maskF, g.vector("pool.count_axes", 1)),
                intAttr("keepdims", 1));
        return g.node("pool.count_safe", "Max", List.of(count, g.scalar("pool.min_count", 1e-9f)));
    }
}
