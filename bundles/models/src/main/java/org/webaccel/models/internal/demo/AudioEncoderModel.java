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

/**
 * An audio encoder with random weights over 40 log-mel-like features per frame: two 1-D convolutions
 * (the second halves the frame rate), one self-attention block, and a clip embedding averaged over time.
 */
final class AudioEncoderModel implements DemoModel {
    static final String NAME = "audio-encoder";
    private static final long SEED = 3003;
    private static final int FEATURES = 40;
    private static final int CHANNELS = 64;
    private static final int HEADS = 2;

    @Override
    public ModelDescriptor descriptor() {
        Dim batch = Dim.symbolic("batch");
        return new ModelDescriptor(NAME, "1", ModelType.AUDIO,
                "Demo audio encoder with random weights: " + FEATURES + " log-mel features x frames to one "
                        + CHANNELS + "-d embedding per 2 frames (time = ceil(frames / 2)) and a clip embedding.",
                List.of(TensorSpec.of("features", DType.FLOAT32, batch, Dim.of(FEATURES), Dim.symbolic("frames"))),
                List.of(TensorSpec.of("frame_embeddings", DType.FLOAT32, batch, Dim.symbolic("time"), Dim.of(CHANNELS)),
                        TensorSpec.of("clip_embedding", DType.FLOAT32, batch, Dim.of(CHANNELS))),
                Map.of("batch", 1L, "frames", 50L));
    }

    @Override
    public ModelProto build() {
        ModelDescriptor d = descriptor();
        GraphBuilder g = new GraphBuilder(NAME);
        Layers layers = new Layers(g, new Weights(SEED));
        String features = g.input(d.inputs().get(0));

        String c1 = conv1d(layers, "conv1", features, FEATURES, 1);
        String c2 = conv1d(layers, "conv2", c1, CHANNELS, 2);
        String steps = g.node("steps", "Transpose", List.of(c2), intsAttr("perm", 0, 2, 1));
        String attention = layers.selfAttention("attention", steps, CHANNELS, HEADS, null);
        String residual = g.node("attention_residual", "Add", List.of(steps, attention));
        String normed = layers.layerNorm("attention_norm", residual, CHANNELS);
        String frames = g.node("frame_embeddings", "Identity", List.of(normed));
        // opset 17 ReduceMean still takes axes as an attribute (an input only from opset 18)
        g.node("clip_embedding", "ReduceMean", List.of(frames), intsAttr("axes", 1), intAttr("keepdims", 0));

        g.output(d.outputs().get(0));
        g.output(d.outputs().get(1));
        return g.build(d.description());
    }

    /** Kernel 3, padding 1, then ReLU: stride 1 keeps the frame count, stride 2 gives ceil(frames / 2). */
    private static String conv1d(Layers layers, String name, String x, int in, int stride) {
        GraphBuilder g = layers.graph();
        int fanIn = in * 3;
        String weight = g.floats(name + ".weight", layers.weights().he(fanIn, CHANNELS * fanIn), CHANNELS, in, 3);
        String bias = g.floats(name + ".bias", layers.weights().uniform(CHANNELS, 0.02f), CHANNELS);
        String conv = g.node(name, "Conv", List.of(x, weight, bias),
                intsAttr("kernel_shape", 3), intsAttr("pads", 1, 1), intsAttr("strides", stride));
        return g.node(name + ".relu", "Relu", List.of(conv));
    }
}
