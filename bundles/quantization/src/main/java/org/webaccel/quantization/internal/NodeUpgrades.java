package org.webaccel.quantization.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.AttributeProto.AttributeType;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * The default-domain operators whose meaning or inputs changed between opset 11 and opset 21, each
 * rewritten so that it computes at opset 21 what it computed at the model's opset:
 *
 * <ul>
 *   <li>from 13: Squeeze, Unsqueeze, ReduceSum take {@code axes} and Split takes {@code split} as an input;
 *       Softmax, LogSoftmax and Hardmax work on one axis instead of the input flattened to 2-D from it</li>
 *   <li>from 16: RoiAlign's default {@code coordinate_transformation_mode} became {@code half_pixel}</li>
 *   <li>from 18: the other Reduce operators take {@code axes} as an input; Split without {@code split}
 *       needs {@code num_outputs}</li>
 *   <li>from 20: GridSample's modes were renamed ({@code bilinear} to {@code linear}, {@code bicubic} to
 *       {@code cubic}); DFT takes {@code axis} as an input</li>
 *   <li>from 21: GroupNormalization's scale and bias are per channel, not per group: refused</li>
 * </ul>
 */
final class NodeUpgrades {
    private static final Set<String> REDUCE_FROM_18 = Set.of("ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    private static final Set<String> AXES_FROM_13 = Set.of("Squeeze", "Unsqueeze", "ReduceSum");
    private static final Set<String> SOFTMAX_FAMILY = Set.of("Softmax", "LogSoftmax", "Hardmax");
    private static final Map<String, String> GRID_SAMPLE_MODES = Map.of("bilinear", "linear", "bicubic", "cubic");

    private final long opset;
    private final Set<String> taken;

    /**
     * @param opset the model's default-domain opset
     * @param taken every name used in the model; names this class adds are added to it
     */
    NodeUpgrades(long opset, Set<String> taken) {
        this.opset = opset;
        this.taken = taken;
    }

    /**
     * @param graph the graph the node belongs to, where constants the rewrite needs are added
     * @return the nodes that compute at opset 21 what the node computed
     */
    List<NodeProto> rewrite(NodeProto n, GraphProto.Builder graph) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return List.of(n);
        }
        String op = n.getOpType();
        if (opset < 13 && AXES_FROM_13.contains(op) || opset < 18 && REDUCE_FROM_18.contains(op)) {
            return List.of(attributeAsInput(n, "axes", 1, graph));
        } else if (op.equals("Split")) {
            NodeProto split = opset < 13 ? attributeAsInput(n, "split", 1, graph) : n;
            boolean sizesGiven = split.getInputCount() > 1 && !split.getInput(1).isEmpty();
            return List.of(opset < 18 && !sizesGiven && attribute(split, "num_outputs").isEmpty()
                    ? split.toBuilder().addAttribute(Protos.intAttr("num_outputs", split.getOutputCount())).build()
                    : split);
        } else if (opset < 13 && SOFTMAX_FAMILY.contains(op)) {
            return flattenedSoftmax(n);
        } else if (opset < 16 && op.equals("RoiAlign") && attribute(n, "coordinate_transformation_mode").isEmpty()) {
            return List.of(n.toBuilder().addAttribute(Protos.stringAttr("coordinate_transformation_mode",
                    "output_half_pixel")).build());
        } else if (opset < 20 && op.equals("GridSample")) {
            return List.of(gridSampleModes(n));
        } else if (opset < 20 && op.equals("DFT")) {
            return List.of(dftAxisAsInput(n, graph));
        } else if (opset < 21 && op.equals("GroupNormalization")) {
            throw new IllegalArgumentException("GroupNormalization '" + name(n) + "' takes scale and bias per group "
                    + "at opset " + opset + " and per channel from opset 21, which quantization needs; export the "
                    + "model at opset 21 or without GroupNormalization");
        }
        return List.of(n);
    }

    /** Moves an ints attribute to an int64 constant input at {@code index} (absent: the node unchanged). */
    private NodeProto attributeAsInput(NodeProto n, String attribute, int index, GraphProto.Builder graph) {
        Optional<AttributeProto> values = attribute(n, attribute);
        if (values.isEmpty()) {
            return n; // absent means the default (all axes; equal parts) in both versions
        }
        if (n.getInputCount() != index) {
            throw new IllegalArgumentException(n.getOpType() + " '" + name(n) + "' has " + n.getInputCount()
                    + " inputs and an " + attribute + " attribute; expected " + index + " input(s)");
        }
        NodeProto.Builder b = withoutAttribute(n, attribute);
        return b.addInput(constant(graph, name(n) + "." + attribute, values.get().getIntsList())).build();
    }

    /** Softmax before 13: over the input flattened to 2-D at {@code axis} (default 1), then back to its shape. */
    private List<NodeProto> flattenedSoftmax(NodeProto n) {
        long axis = attribute(n, "axis").map(AttributeProto::getI).orElse(1L);
        String base = name(n);
        String shape = fresh(base + ".shape");
        String flat = fresh(base + ".flat");
        String result = fresh(base + ".2d");
        return List.of(
                NodeProto.newBuilder().setOpType("Shape").addInput(n.getInput(0)).addOutput(shape).build(),
                NodeProto.newBuilder().setOpType("Flatten").addInput(n.getInput(0)).addOutput(flat)
                        .addAttribute(Protos.intAttr("axis", axis)).build(),
                withoutAttribute(n, "axis").setInput(0, flat).setOutput(0, result)
                        .addAttribute(Protos.intAttr("axis", 1)).build(),
                NodeProto.newBuilder().setOpType("Reshape").addInput(result).addInput(shape)
                        .addOutput(n.getOutput(0)).build());
    }

    private static NodeProto gridSampleModes(NodeProto n) {
        NodeProto.Builder b = n.toBuilder();
        for (int i = 0; i < b.getAttributeCount(); i++) {
            AttributeProto a = b.getAttribute(i);
            String renamed = a.getName().equals("mode") ? GRID_SAMPLE_MODES.get(a.getS().toStringUtf8()) : null;
            if (renamed != null) {
                b.setAttribute(i, a.toBuilder().setS(ByteString.copyFromUtf8(renamed)));
            }
        }
        return b.build();
    }

    /** DFT before 20: {@code axis} an attribute (default 1); from 20 the third input (default -2). */
    private NodeProto dftAxisAsInput(NodeProto n, GraphProto.Builder graph) {
        long axis = attribute(n, "axis").map(AttributeProto::getI).orElse(1L);
        NodeProto.Builder b = withoutAttribute(n, "axis");
        while (b.getInputCount() < 2) {
            b.addInput(""); // no dft_length
        }
        String name = fresh(name(n) + ".axis");
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(axis);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(raw.array())));
        return b.addInput(name).build();
    }

    private String constant(GraphProto.Builder graph, String base, List<Long> values) {
        String name = fresh(base);
        ByteBuffer raw = ByteBuffer.allocate(values.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(raw::putLong);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.size()).setRawData(ByteString.copyFrom(raw.array())));
        return name;
    }

    private String fresh(String base) {
        String name = base;
        for (int i = 1; !taken.add(name); i++) {
            name = base + i;
        }
        return name;
    }

    private static String name(NodeProto n) {
        return n.getName().isEmpty() ? n.getOutput(0) : n.getName();
    }

    private static Optional<AttributeProto> attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    private static NodeProto.Builder withoutAttribute(NodeProto n, String name) {
        NodeProto.Builder b = n.toBuilder().clearAttribute();
        n.getAttributeList().stream().filter(a -> !a.getName().equals(name)).forEach(b::addAttribute);
        return b;
    }
}
