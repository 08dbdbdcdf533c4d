package org.webaccel.quantization.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webaccel.api.quantization.SkippedWeight;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.TensorProto;

/**
 * Finds the weights worth quantizing: float32 initializers of rank 2 or more with at least
 * {@link #MIN_ELEMENTS} values that some node reads, in the main graph and in the graphs nested in its nodes
 * (If branches, Loop and Scan bodies). A weight's name must be its alone: the variant is written by name. Biases, norms and small tables stay float: they weigh little and
 * are where quantization error hurts most. Every other constant tensor (initializers of other types or sizes,
 * unused ones, a quantized weight's parts, Constant nodes' values, external data) is reported as skipped,
 * with the reason.
 */
final class LayerScanner {
    /** Weights with fewer values stay float32. */
    static final int MIN_ELEMENTS = 256;
    /** Larger weights are not held in one Java array of codes. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE / 8;

    static final String NOT_FLOAT = "not float32";
    static final String EXTERNAL = "stored as external data";
    static final String LOW_RANK = "rank below 2 (biases, norms and scalars stay float)";
    static final String FEW_VALUES = "fewer than " + MIN_ELEMENTS + " values";
    static final String TOO_MANY_VALUES = "more than " + MAX_ELEMENTS + " values";
    static final String UNUSED = "read by no node";
    static final String SHARED_NAME = "its name is an initializer's in another graph too";
    static final String CONSTANT_NODE = "the value of a Constant node (only initializers are quantized)";
    static final String QUANTIZED = "read by a quantization operator (codes, scales or zero points)";
    /** Operators whose constant inputs are a quantized weight's parts already, in any domain. */
    private static final Set<String> QUANTIZATION_OPERATORS = Set.of("DequantizeLinear", "QuantizeLinear",
            "DynamicQuantizeLinear", "MatMulNBits", "MatMulInteger", "ConvInteger", "QLinearConv", "QLinearMatMul",
            "QLinearAdd", "QLinearMul", "GatherBlockQuantized", "MatMulBnb4", "DynamicQuantizeMatMul");

    private LayerScanner() {
    }

    /**
     * What a scan found.
     *
     * @param layers the weights to quantize, in the order of the graph's initializers
     * @param skipped every other constant tensor, with its reason
     */
    record Scan(List<Layer> layers, List<SkippedWeight> skipped) {
        Scan {
            layers = List.copyOf(layers);
            skipped = List.copyOf(skipped);
        }
    }

    static Scan scan(GraphProto graph) {
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        // a nested graph may read a weight of the main graph by name: such a weight keeps its name
        Set<String> readInSubgraphs = new HashSet<>();
        for (NodeProto n : graph.getNodeList()) {
            for (GraphProto g : Subgraphs.of(n)) {
                Subgraphs.collectReads(g, readInSubgraphs);
            }
        }
        List<Layer> layers = new ArrayList<>();
        List<SkippedWeight> skipped = new ArrayList<>();
        List<GraphProto> nested = new ArrayList<>();
        Subgraphs.collectNestedGraphs(graph, nested);
        Map<String, Integer> owners = new HashMap<>();
        graph.getInitializerList().forEach(t -> owners.merge(t.getName(), 1, Integer::sum));
        nested.forEach(g -> g.getInitializerList().forEach(t -> owners.merge(t.getName(), 1, Integer::sum)));
        for (TensorProto t : graph.getInitializerList()) {
            List<NodeProto> readers = consumers.getOrDefault(t.getName(), List.of());
            boolean read = !readers.isEmpty() || readInSubgraphs.contains(t.getName());
            boolean quantized = readers.stream().anyMatch(n -> QUANTIZATION_OPERATORS.contains(n.getOpType()));
            String reason = quantized ? QUANTIZED : reasonToSkip(t, read);
            if (reason == null && owners.get(t.getName()) > 1) {
                reason = SHARED_NAME;
            }
            if (reason != null) {
                skipped.add(skipped(t, reason));
                continue;
            }
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            long count = elements(t);
            List<NodeProto> users = consumers.getOrDefault(t.getName(), List.of());
            boolean onlyHere = !readInSubgraphs.contains(t.getName()) && !users.isEmpty();
            if (onlyHere && dims.length == 2 && users.stream().allMatch(n -> isMatMulRight(n, t.getName()))) {
                // MatMul's [K, N] weight is quantized along K, as MatMulNBits stores it: [N, K]
                layers.add(new Layer(t.getName(), dims, Layer.Kind.MATMUL_NBITS, (int) dims[1], (int) dims[0]));
            } else if (onlyHere && dims.length == 2 && users.size() == 1 && isPlainGemmRight(users.get(0), t.getName())) {
                boolean transB = intAttr(users.get(0), "transB", 0) == 1;
                int n = (int) (transB ? dims[0] : dims[1]);
                int k = (int) (transB ? dims[1] : dims[0]);
                layers.add(new Layer(t.getName(), dims, Layer.Kind.MATMUL_NBITS, n, k));
            } else {
                layers.add(new Layer(t.getName(), dims, Layer.Kind.DEQUANTIZE, (int) dims[0], (int) (count / dims[0])));
            }
        }
        for (GraphProto g : nested) {
            scanNested(g, owners, layers, skipped);
        }
        List<TensorProto> constants = new ArrayList<>();
        Subgraphs.collectConstantNodes(graph, constants);
        constants.forEach(t -> skipped.add(skipped(t, CONSTANT_NODE)));
        return new Scan(layers, skipped);
    }

    /**
     * The initializers of a graph nested in a node (Silero VAD's LSTM weights live in If branches): each becomes
     * a DequantizeLinear in that graph, under its own name, unless another graph has an initializer of that name.
     */
    private static void scanNested(GraphProto graph, Map<String, Integer> owners, List<Layer> layers,
            List<SkippedWeight> skipped) {
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        Set<String> reads = new HashSet<>();
        for (NodeProto n : graph.getNodeList()) {
            n.getInputList().forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n));
            Subgraphs.of(n).forEach(g -> Subgraphs.collectReads(g, reads));
        }
        for (TensorProto t : graph.getInitializerList()) {
            List<NodeProto> readers = consumers.getOrDefault(t.getName(), List.of());
            String reason = readers.stream().anyMatch(n -> QUANTIZATION_OPERATORS.contains(n.getOpType())) ? QUANTIZED
                    : reasonToSkip(t, !readers.isEmpty() || reads.contains(t.getName()));
            if (reason == null && owners.getOrDefault(t.getName(), 0) > 1) {
                reason = SHARED_NAME;
            }
            if (reason != null) {
                skipped.add(skipped(t, reason));
                continue;
            }
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            layers.add(new Layer(t.getName(), dims, Layer.Kind.DEQUANTIZE, (int) dims[0], (int) (elements(t) / dims[0])));
        }
    }

    /** @return why the initializer stays as it is, or null when it is a weight to quantize */
    private static String reasonToSkip(TensorProto t, boolean read) {
        long count = elements(t);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return EXTERNAL;
        } else if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return NOT_FLOAT;
        } else if (t.getDimsCount() < 2) {
            return LOW_RANK;
        } else if (count < MIN_ELEMENTS) {
            return FEW_VALUES;
        } else if (count > MAX_ELEMENTS) {
            return TOO_MANY_VALUES;
        } else if (!read) {
            return UNUSED;
        }
        return null;
    }

    private static SkippedWeight skipped(TensorProto t, String reason) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
        long bytes = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL ? 0 : t.getSerializedSize();
        return new SkippedWeight(t.getName(), elements(t), type == null ? "type " + t.getDataType() : type.name(),
                bytes, reason);
    }

    private static long elements(TensorProto t) {
        long count = 1;
        for (long d : t.getDimsList()) {
            count *= d;
        }
        return count;
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
