package org.webaccel.quantization.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * Raises a model's default-domain opset to 21, the first with block-wise DequantizeLinear and 4-bit
 * tensors. Between opsets 13 and 21 only one change breaks a graph: from 18 the Reduce operators take
 * their axes as an input instead of an attribute, so those nodes are rewritten; every other operator
 * keeps its meaning. Older models are refused rather than guessed at.
 */
final class OpsetUpgrade {
    static final long TARGET = 21;
    /** ONNX IR 10 is the first that has int4/uint4 tensors. */
    static final long MIN_IR_VERSION = 10;
    private static final long OLDEST = 13;
    private static final Set<String> REDUCE_WITH_AXES_ATTRIBUTE = Set.of("ReduceMax", "ReduceMean", "ReduceMin",
            "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    private OpsetUpgrade() {
    }

    /** @return the default-domain opset the model imports */
    static long defaultOpset(ModelProto model) {
        return model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the model imports no default-domain opset"));
    }

    /**
     * @return the model at opset 21 (unchanged when it is already there or newer) and IR 10 or newer
     * @throws IllegalArgumentException for opsets older than 13
     */
    static ModelProto upgrade(ModelProto model) {
        long opset = defaultOpset(model);
        if (opset < OLDEST) {
            throw new IllegalArgumentException("the model uses opset " + opset + "; quantization needs opset "
                    + OLDEST + " or newer (convert it with onnx.version_converter first)");
        }
        ModelProto.Builder b = model.toBuilder();
        b.setIrVersion(Math.max(model.getIrVersion(), MIN_IR_VERSION));
        if (opset >= TARGET) {
            return b.build();
        }
        for (int i = 0; i < b.getOpsetImportCount(); i++) {
            OperatorSetIdProto o = b.getOpsetImport(i);
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                b.setOpsetImport(i, o.toBuilder().setVersion(TARGET));
            }
        }
        GraphProto.Builder g = b.getGraphBuilder();
        if (opset < 18) {
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                if (REDUCE_WITH_AXES_ATTRIBUTE.contains(n.getOpType()) && (n.getDomain().isEmpty()
                        || n.getDomain().equals("ai.onnx"))) {
                    g.setNode(i, axesAsInput(n, g));
                }
            }
        }
        return b.build();
    }

    private static NodeProto axesAsInput(NodeProto n, GraphProto.Builder g) {
        NodeProto.Builder nb = n.toBuilder().clearAttribute();
        AttributeProto axes = null;
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("axes")) {
                axes = a;
            } else {
                nb.addAttribute(a);
            }
        }
        if (axes == null) {
            return n; // all axes: the same without an attribute or an input
        }
        String name = uniqueName(g, (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + ".axes");
        ByteBuffer raw = ByteBuffer.allocate(axes.getIntsCount() * 8).order(ByteOrder.LITTLE_ENDIAN);
        axes.getIntsList().forEach(raw::putLong);
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(axes.getIntsCount()).setRawData(ByteString.copyFrom(raw.array())));
        if (nb.getInputCount() != 1) {
            throw new IllegalArgumentException(n.getOpType() + " '" + n.getName() + "' has " + n.getInputCount()
                    + " inputs and an axes attribute; expected one input");
        }
        return nb.addInput(name).build();
    }

    private static String uniqueName(GraphProto.Builder g, String base) {
        String name = base;
        for (int i = 1; hasInitializer(g, name); i++) {
            name = base + i;
        }
        return name;
    }

    private static boolean hasInitializer(GraphProto.Builder g, String name) {
        return g.getInitializerList().stream().anyMatch(t -> t.getName().equals(name));
    }
}
