package org.webaccel.quantization.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * Finds the weights worth quantizing: float32 initializers of rank 2 or more with at least
 * {@link #MIN_ELEMENTS} values. Biases, norms and small tables stay float: they weigh little and are
 * where quantization error hurts most.
 */
final class LayerScanner {
    /** Weights with fewer values stay float32. */
    static final int MIN_ELEMENTS = 256;

    private LayerScanner() {
    }

    static List<Layer> scan(GraphProto graph) {
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() < 2) {
                continue;
            }
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            long count = 1;
            for (long d : dims) {
                count *= d;
            }
            if (count < MIN_ELEMENTS || count > Integer.MAX_VALUE / 8) {
                continue;
            }
            List<NodeProto> users = consumers.getOrDefault(t.getName(), List.of());
            if (users.isEmpty()) {
                continue;
            }
            if (dims.length == 2 && users.stream().allMatch(n -> isMatMulRight(n, t.getName()))) {
                // MatMul's [K, N] weight is quantized along K, as MatMulNBits stores it: [N, K]
                layers.add(new Layer(t.getName(), dims, Layer.Kind.MATMUL_NBITS, (int) dims[1], (int) dims[0]));
            } else if (dims.length == 2 && users.size() == 1 && isPlainGemmRight(users.get(0), t.getName())) {
                boolean transB = intAttr(users.get(0), "transB", 0) == 1;
                int n = (int) (transB ? dims[0] : dims[1]);
                int k = (int) (transB ? dims[1] : dims[0]);
                layers.add(new Layer(t.getName(), dims, Layer.Kind.MATMUL_NBITS, n, k));
            } else {
                layers.add(new Layer(t.getName(), dims, Layer.Kind.DEQUANTIZE, (int) dims[0], (int) (count / dims[0])));
            }
        }
        return layers;
    }

    private static boolean isMatMulRight(NodeProto n, String name) {
        return isDefaultDomain(n) && n.getOpType().equals("MatMul") && n.getInputCount() == 2
                && n.getInput(1).equals(name) && !n.getInput(0).equals(name);
    }

    /** Gemm computing A x B (+ C): alpha and beta 1, A not transposed. */
    static boolean isPlainGemmRight(NodeProto n, String name) {
        return isDefaultDomain(n) && n.getOpType().equals("Gemm") && n.getInputCount() >= 2
                && n.getInput(1).equals(name) && !n.getInput(0).equals(name)
                && (n.getInputCount() < 3 || !n.getInput(2).equals(name))
                && intAttr(n, "transA", 0) == 0 && floatAttr(n, "alpha", 1f) == 1f && floatAttr(n, "beta", 1f) == 1f;
    }

    private static boolean isDefaultDomain(NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    static long intAttr(NodeProto n, String name, long absent) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return absent;
    }

    static float floatAttr(NodeProto n, String name, float absent) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return absent;
    }
}
