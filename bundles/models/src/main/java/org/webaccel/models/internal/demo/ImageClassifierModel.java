package org.webaccel.models.internal.demo;

import static org.webaccel.models.internal.demo.GraphBuilder.intAttr;
import static org.webaccel.models.internal.demo.GraphBuilder.intsAttr;

import java.util.List;
import java.util.Map;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.onnx.Onnx.ModelProto;

/** A small CNN classifier with random weights for 32x32 RGB images and 10 classes. */
final class ImageClassifierModel implements DemoModel {
    static final String NAME = "image-classifier";
    private static final long SEED = 2002;
    private static final int CLASSES = 10;

    @Override
    public ModelDescriptor descriptor() {
        Dim batch = Dim.symbolic("batch");
        return new ModelDescriptor(NAME, "1", ModelType.VISION,
                "Demo CNN image classifier with random weights: 32x32 RGB pixels (NCHW) to " + CLASSES
                        + " class logits and softmax probabilities.",
                List.of(TensorSpec.of("pixels", DType.FLOAT32, batch, Dim.of(3), Dim.of(32), Dim.of(32))),
                List.of(TensorSpec.of("logits", DType.FLOAT32, batch, Dim.of(CLASSES)),
                        TensorSpec.of("probabilities", DType.FLOAT32, batch, Dim.of(CLASSES))),
                Map.of("batch", 1L));
    }

    @Override
    public ModelProto build() {
        ModelDescriptor d = descriptor();
        GraphBuilder g = new GraphBuilder(NAME);
        Weights w = new Weights(SEED);
        String pixels = g.input(d.inputs().get(0));

        String c1 = conv(g, w, "conv1", pixels, 3, 16);
        String p1 = g.node("pool1", "MaxPool", List.of(c1), intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2));
        String c2 = conv(g, w, "conv2", p1, 16, 32);
        String pooled = g.node("global_pool", "GlobalAveragePool", List.of(c2));
        String features = g.node("features", "Flatten", List.of(pooled), intAttr("axis", 1));
        String weight = g.floats("classifier.weight", w.xavier(32, CLASSES, CLASSES * 32), CLASSES, 32);
        String bias = g.floats("classifier.bias", w.uniform(CLASSES, 0.02f), CLASSES);
        String logits = g.node("logits", "Gemm", List.of(features, weight, bias), intAttr("transB", 1));
        g.node("probabilities", "Softmax", List.of(logits), intAttr("axis", -1));

        g.output(d.outputs().get(0));
        g.output(d.outputs().get(1));
        return g.build(d.description());
    }

    /** 3x3 convolution, stride 1, padding 1 (same size), then ReLU. */
    private static String conv(GraphBuilder g, Weights w, String name, String x, int in, int out) {
        int fanIn = in * 3 * 3;
        String weight = g.floats(name + ".weight", w.he(fanIn, out * fanIn), out, in, 3, 3);
        String bias = g.floats(name + ".bias", w.uniform(out, 0.02f), out);
        String conv = g.node(name, "Conv", List.of(x, weight, bias),
                intsAttr("kernel_shape", 3, 3), intsAttr("pads", 1, 1, 1, 1));
        return g.node(name + ".relu", "Relu", List.of(conv));
    }
}
