package org.webaccel.models.internal.demo;

import java.util.List;
import java.util.Map;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.onnx.Onnx.ModelProto;

/**
 * A projection head on the text encoder's {@code last_hidden_state}: every token's vector through one dense layer
 * and tanh into a smaller space. It exists to show one encoder output feeding several models.
 */
final class TextProjectionHeadModel implements DemoModel {
    static final String NAME = "text-projection-head";
    private static final long SEED = 5005;
    private static final int HIDDEN = 128;
    private static final int PROJECTED = 64;

    @Override
    public ModelDescriptor descriptor() {
        Dim batch = Dim.symbolic("batch");
        Dim sequence = Dim.symbolic("sequence");
        return new ModelDescriptor(NAME, "1", ModelType.TEXT_EMBEDDING,
                "Demo projection head with random weights for text-encoder's last_hidden_state: each token's "
                        + HIDDEN + " values through a dense layer and tanh to " + PROJECTED + ".",
                List.of(TensorSpec.of("hidden_states", DType.FLOAT32, batch, sequence, Dim.of(HIDDEN))),
                List.of(TensorSpec.of("projected", DType.FLOAT32, batch, sequence, Dim.of(PROJECTED))),
                Map.of("batch", 1L, "sequence", 16L));
    }

    @Override
    public ModelProto build() {
        ModelDescriptor d = descriptor();
        GraphBuilder g = new GraphBuilder(NAME);
        Weights w = new Weights(SEED);
        String hidden = g.input(d.inputs().get(0));
        String weight = g.floats("projection.weight", w.xavier(HIDDEN, PROJECTED, HIDDEN * PROJECTED), HIDDEN,
                PROJECTED);
        String bias = g.floats("projection.bias", w.uniform(PROJECTED, 0.02f), PROJECTED);
        String product = g.node("product", "MatMul", List.of(hidden, weight));
        String shifted = g.node("shifted", "Add", List.of(product, bias));
        g.node("projected", "Tanh", List.of(shifted));

        g.output(d.outputs().get(0));
        return g.build(d.description());
    }
}
