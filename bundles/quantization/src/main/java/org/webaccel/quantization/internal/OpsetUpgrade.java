package org.webaccel.quantization.internal;

import java.util.HashSet;
import java.util.Set;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;

/**
 * Raises a model's default-domain opset to 21, the first with block-wise DequantizeLinear and 4-bit
 * tensors. Every node of the main graph and of the graphs nested in it (If branches, Loop and Scan
 * bodies) whose operator changed its meaning or its inputs between the model's opset and 21 is rewritten
 * ({@link NodeUpgrades}); an operator whose change cannot be rewritten is refused by name. Opsets older
 * than {@value #OLDEST} are refused rather than guessed at.
 */
final class OpsetUpgrade {
    static final long TARGET = 21;
    /** ONNX IR 10 is the first that has int4/uint4 tensors. */
    static final long MIN_IR_VERSION = 10;
    static final long OLDEST = 11;

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
     * @throws IllegalArgumentException for opsets older than {@value #OLDEST} and for operators whose change
     *         up to opset 21 is not rewritten, naming the node
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
        Set<String> taken = new HashSet<>();
        Subgraphs.collectNames(model.getGraph(), taken);
        b.setGraph(upgrade(model.getGraph(), new NodeUpgrades(opset, taken)));
        return b.build();
    }

    private static GraphProto upgrade(GraphProto graph, NodeUpgrades upgrades) {
        GraphProto.Builder g = graph.toBuilder().clearNode();
        for (NodeProto n : graph.getNodeList()) {
            g.addAllNode(upgrades.rewrite(withNestedUpgraded(n, upgrades), g));
        }
        return g.build();
    }

    private static NodeProto withNestedUpgraded(NodeProto n, NodeUpgrades upgrades) {
        if (Subgraphs.of(n).isEmpty()) {
            return n;
        }
        NodeProto.Builder b = n.toBuilder();
        for (int i = 0; i < b.getAttributeCount(); i++) {
            AttributeProto a = b.getAttribute(i);
            AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) {
                ab.setG(upgrade(a.getG(), upgrades));
            }
            for (int k = 0; k < a.getGraphsCount(); k++) {
                ab.setGraphs(k, upgrade(a.getGraphs(k), upgrades));
            }
            b.setAttribute(i, ab);
        }
        return b.build();
    }
}
