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
 * A classifier head on the text encoder's {@code last_hidden_state}: mask-weighted mean over the tokens, one
 * dense layer, softmax over a few classes. It exists to show one encoder output feeding several models.
 */
final class TextClassifierHeadModel implements DemoModel {
    static final String NAME = "text-classifier-head";
    private static final long SEED = 4004;
    private static final int HIDDEN = 128;
    private static final int CLASSES = 8;

    @Override
    public ModelDescriptor descriptor() {
        Dim batch = Dim.symbolic("batch");
        Dim sequence = Dim.symbolic("sequence");
        return new ModelDescriptor(NAME, "1", ModelType.TEXT,
                "Demo classifier head with random weights for text-encoder's last_hidden_state: mask-weighted mean "
                        + "over the tokens, dense " + HIDDEN + " to " + CLASSES + ", softmax.",
                List.of(TensorSpec.of("hidden_states", DType.FLOAT32, batch, sequence, Dim.of(HIDDEN)),
                        new TensorSpec("attention_mask", DType.INT64, List.of(batch, sequence), new long[] {0, 1})),
                List.of(TensorSpec.of("logits", DType.FLOAT32, batch, Dim.of(CLASSES)),
                        TensorSpec.of("probabilities", DType.FLOAT32, batch, Dim.of(CLASSES))),
                Map.of("batch", 1L, "sequence", 16L));
    }

    @Override
    public ModelProto build() {
        ModelDescriptor d = descriptor();
        GraphBuilder g = new GraphBuilder(NAME);
        Weights w = new Weights(SEED);
        String hidden = g.input(d.inputs().get(0));
        String mask = g.input(d.inputs().get(1));

        String maskF = g.node("mask_float", "Cast", List.of(mask), intAttr("to", DataType.FLOAT.getNumber()));
        String mask3 = g.node("mask_3d", "Unsqueeze", List.of(maskF, g.vector("mask_axes", 2)));
        String kept = g.node("masked", "Mul", List.of(hidden, mask3));
        String sum = g.node("sum", "ReduceSum", List.of(kept, g.vector("sum_axes", 1)), intAttr("keepdims", 0));
        String count = g.node("count", "ReduceSum", List.of(maskF, g.vector("count_axes", 1)), intAttr("keepdims", 1));
        // An all-padding row divides by a small number instead of zero.
        String safeCount = g.node("count_safe", "Max", List.of(count, g.scalar("min_count", 1e-6f)));
        String pooled = g.node("pooled", "Div", List.of(sum, safeCount));
        String weight = g.floats("classifier.weight", w.xavier(HIDDEN, CLASSES, CLASSES * HIDDEN), CLASSES, HIDDEN);
        String bias = g.floats("classifier.bias", w.uniform(CLASSES, 0.02f), CLASSES);
        String logits = g.node("logits", "Gemm", List.of(pooled, weight, bias), intAttr("transB", 1));
        g.node("probabilities", "Softmax", List.of(logits), intAttr("axis", -1));

        g.output(d.outputs().get(0));
        g.output(d.outputs().get(1));
        return g.build(d.description());
    }
}
