package org.webaccel.quantization.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.AttributeProto.AttributeType;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorProto.DataType;

/**
 * Writes a quantized variant of a model: each chosen weight is replaced by its codes, scales and zero
 * points and by the operators that use them, all of which ONNX Runtime Web runs.
 *
 * <ul>
 *   <li>A matrix product's weight at a width MatMulNBits takes (4 and 8 bits): com.microsoft.MatMulNBits
 *       with the packed blobs; it computes from them directly.</li>
 *   <li>Any other weight at 4 or 8 bits: an int4/uint4 or int8/uint8 tensor and DequantizeLinear with
 *       {@code block_size} (opset 21), which restores the float weight when the graph runs.</li>
 *   <li>2 and 3 bits, which neither operator takes: the codes are stored as bit planes (exactly
 *       {@code bits} bits per weight on disk) and decoded by standard operators (BitShift, BitwiseAnd,
 *       ReduceSum, Cast) whose inputs are all constant, so ONNX Runtime folds them when it creates the
 *       session: at run time the weight is held as one byte per code, feeding MatMulNBits with
 *       {@code bits=8} or DequantizeLinear on uint8.</li>
 * </ul>
 */
final class VariantWriter {
    static final String MS_DOMAIN = "com.microsoft";
    private static final int INT4 = 22;
    private static final int UINT4 = 21;

    private final Set<Integer> matMulNBitsWidths;

    /** @param matMulNBitsWidths the widths MatMulNBits takes directly in every execution provider used */
    VariantWriter(Set<Integer> matMulNBitsWidths) {
        this.matMulNBitsWidths = Set.copyOf(matMulNBitsWidths);
    }

    /**
     * The result of writing a variant.
     *
     * @param model the variant
     * @param layerBytes per quantized layer, the bytes of the initializers that now hold it
     * @param layerOperators per quantized layer, the operator that consumes it
     */
    record Written(ModelProto model, Map<String, Long> layerBytes, Map<String, String> layerOperators) {
    }

    /**
     * @param bits the width of each layer to quantize, by layer name; layers not named stay float
     */
    Written write(ModelProto source, List<Layer> layers, Map<String, Integer> bits, int group, boolean symmetric) {
        ModelProto upgraded = OpsetUpgrade.upgrade(source);
        Pass pass = new Pass(layers, bits, group, symmetric);
        ModelProto.Builder model = upgraded.toBuilder().setGraph(pass.rewrite(upgraded.getGraph(), ""));
        if (pass.usesMicrosoftDomain) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
        }
        model.setProducerName("webaccel-quantization").setProducerVersion("1");
        return new Written(model.build(), pass.layerBytes, pass.layerOperators);
    }

    /** One variant: the main graph and every graph nested in it, each rewritten for the layers it holds. */
    private final class Pass {
        private final List<Layer> layers;
        private final Map<String, Integer> bits;
        private final int group;
        private final boolean symmetric;
        final Map<String, Long> layerBytes = new LinkedHashMap<>();
        final Map<String, String> layerOperators = new LinkedHashMap<>();
        boolean usesMicrosoftDomain;
        private int nestedGraphs;

        Pass(List<Layer> layers, Map<String, Integer> bits, int group, boolean symmetric) {
            this.layers = layers;
            this.bits = bits;
            this.group = group;
            this.symmetric = symmetric;
        }

        /** @param prefix of the names of constants this graph's rewrite shares between its layers */
        GraphProto rewrite(GraphProto graph, String prefix) {
            Rewrite r = new Rewrite(graph, group, symmetric, prefix);
            r.rewriteNested(this);
            for (Layer layer : layers) {
                Integer b = bits.get(layer.name());
                if (b == null || !r.holds(layer.name())) {
                    continue;
                }
                if (layer.kind() == Layer.Kind.MATMUL_NBITS) {
                    r.matMulNBits(layer, b);
                } else {
                    r.dequantize(layer, b);
                }
            }
            layerBytes.putAll(r.layerBytes);
            layerOperators.putAll(r.layerOperators);
            usesMicrosoftDomain |= r.usesMicrosoftDomain;
            return r.finish();
        }

        String nestedPrefix() {
            return "quant.g" + ++nestedGraphs + ".";
        }
    }

    /** One pass over one graph. */
    private final class Rewrite {
        private final GraphProto source;
        private final int group;
        private final boolean symmetric;
        private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
        private final List<NodeProto> prologue = new ArrayList<>();
        private final List<NodeProto> nodes;
        private final Set<String> removed = new HashSet<>();
        private final Set<String> shared = new HashSet<>();
        private final String sharedPrefix;
        final Map<String, Long> layerBytes = new LinkedHashMap<>();
        final Map<String, String> layerOperators = new LinkedHashMap<>();
        boolean usesMicrosoftDomain;
        private String currentLayer;

        Rewrite(GraphProto source, int group, boolean symmetric, String sharedPrefix) {
            this.source = source;
            this.group = group;
            this.symmetric = symmetric;
            this.sharedPrefix = sharedPrefix;
            source.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
            nodes = new ArrayList<>(source.getNodeList());
        }

        boolean holds(String initializer) {
            return initializers.containsKey(initializer) && !removed.contains(initializer);
        }

        /** Rewrites the graphs held by this graph's nodes, each with its own layers. */
        void rewriteNested(Pass pass) {
            for (int i = 0; i < nodes.size(); i++) {
                NodeProto n = nodes.get(i);
                if (Subgraphs.of(n).isEmpty()) {
                    continue;
                }
                NodeProto.Builder b = n.toBuilder();
                for (int a = 0; a < b.getAttributeCount(); a++) {
                    AttributeProto attribute = b.getAttribute(a);
                    AttributeProto.Builder ab = attribute.toBuilder();
                    if (attribute.hasG()) {
                        ab.setG(pass.rewrite(attribute.getG(), pass.nestedPrefix()));
                    }
                    for (int k = 0; k < attribute.getGraphsCount(); k++) {
                        ab.setGraphs(k, pass.rewrite(attribute.getGraphs(k), pass.nestedPrefix()));
                    }
                    b.setAttribute(a, ab);
                }
                nodes.set(i, b.build());
            }
        }

        GraphProto finish() {
            GraphProto.Builder g = source.toBuilder().clearInitializer().clearNode();
            initializers.values().forEach(g::addInitializer);
            prologue.forEach(g::addNode);
            nodes.forEach(g::addNode);
            // older models also list initializers as graph inputs
            List<org.webaccel.onnx.Onnx.ValueInfoProto> inputs = new ArrayList<>(g.getInputList());
            inputs.removeIf(v -> removed.contains(v.getName()));
            g.clearInput().addAllInput(inputs);
            return g.build();
        }

        void matMulNBits(Layer layer, int bits) {
            begin(layer);
            float[] weight = takeFloats(layer.name());
            List<Integer> users = new ArrayList<>();
            boolean transposed = true; // MatMul's weight is [K, N]
            for (int i = 0; i < nodes.size(); i++) {
                NodeProto n = nodes.get(i);
                if (n.getInputCount() > 1 && n.getInput(1).equals(layer.name())) {
                    users.add(i);
                    if (n.getOpType().equals("Gemm")) {
                        transposed = LayerScanner.intAttr(n, "transB", 0) == 0;
                    }
                }
            }
            int n = layer.rows();
            int k = layer.cols();
            float[] nk = transposed ? Protos.transpose(weight, k, n) : weight;
            QuantizedMatrix q = BlockQuantizer.quantize(nk, n, k, bits, group, symmetric);
            int blocks = q.blocksPerRow();
            String base = layer.name() + ".nbits";
            String weightName;
            int kernelBits;
            String zeroPoints = null;
            if (matMulNBitsWidths.contains(bits)) {
                kernelBits = bits;
                weightName = add(Protos.tensor(base + ".weight", DataType.UINT8_VALUE,
                        BitPacking.packDense(q.codes(), bits), n, blocks, group * bits / 8));
                if (!symmetric) {
                    zeroPoints = add(Protos.tensor(base + ".zero_points", DataType.UINT8_VALUE,
                            packRows(q.zeroPoints(), n, blocks, bits), n * ((blocks * bits + 7) / 8)));
                }
            } else {
                // decoded at load to one byte per code, which MatMulNBits takes as 8-bit
                kernelBits = 8;
                weightName = decodePlanes(base, q.codes(), bits, new long[] {n, blocks, group});
                zeroPoints = symmetric ? constantZeroPoints(base, bits, n * blocks)
                        : add(Protos.tensor(base + ".zero_points", DataType.UINT8_VALUE, q.zeroPoints(), n * blocks));
            }
            String scales = add(Protos.floats(base + ".scales", q.scales(), n * blocks));
            usesMicrosoftDomain = true;
            layerOperators.put(layer.name(), "MatMulNBits(" + kernelBits + ")");
            for (int index : users) {
                NodeProto user = nodes.get(index);
                List<String> inputs = new ArrayList<>(List.of(user.getInput(0), weightName, scales));
                if (zeroPoints != null) {
                    inputs.add(zeroPoints);
                }
                boolean gemmBias = user.getOpType().equals("Gemm") && user.getInputCount() > 2
                        && !user.getInput(2).isEmpty();
                String out = gemmBias ? user.getOutput(0) + ".nbits" : user.getOutput(0);
                NodeProto mm = NodeProto.newBuilder().setName(user.getName() + ".nbits").setOpType("MatMulNBits")
                        .setDomain(MS_DOMAIN).addAllInput(inputs).addOutput(out)
                        .addAttribute(Protos.intAttr("K", k)).addAttribute(Protos.intAttr("N", n))
                        .addAttribute(Protos.intAttr("bits", kernelBits)).addAttribute(Protos.intAttr("block_size", group))
                        .build();
                nodes.set(index, mm);
                if (gemmBias) {
                    nodes.add(index + 1, NodeProto.newBuilder().setName(user.getName() + ".bias").setOpType("Add")
                            .addInput(out).addInput(user.getInput(2)).addOutput(user.getOutput(0)).build());
                    // later indices moved by one
                    for (int j = 0; j < users.size(); j++) {
                        if (users.get(j) > index) {
                            users.set(j, users.get(j) + 1);
                        }
                    }
                }
            }
        }

        void dequantize(Layer layer, int bits) {
            begin(layer);
            float[] weight = takeFloats(layer.name());
            int rows = layer.rows();
            int cols = layer.cols();
            QuantizedMatrix q = BlockQuantizer.quantize(weight, rows, cols, bits, group, symmetric);
            int blocks = q.blocksPerRow();
            String base = layer.name() + ".dq";
            String codes;
            String zeroPoints;
            if (bits == 4 || bits == 8) {
                byte[] values = q.unpaddedCodes();
                int type;
                if (symmetric) {
                    // signed codes around zero: the zero point is 0, so it is left out
                    int offset = 1 << (bits - 1);
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (byte) (values[i] - offset);
                    }
                    type = bits == 4 ? INT4 : DataType.INT8_VALUE;
                    zeroPoints = null;
                } else {
                    type = bits == 4 ? UINT4 : DataType.UINT8_VALUE;
                    zeroPoints = add(Protos.tensor(base + ".zero_points", type,
                            BitPacking.packDense(q.zeroPoints(), bits), rows, blocks));
                }
                codes = add(Protos.tensor(base + ".codes", type, BitPacking.packDense(values, bits), rows, cols));
            } else {
                String padded = decodePlanes(base, q.codes(), bits, new long[] {rows, (long) blocks * group});
                codes = padded;
                if ((long) blocks * group != cols) {
                    codes = node(base + ".codes", "Slice", List.of(padded, sharedLongs("quant.zero", 0),
                            add(Protos.longs(base + ".cols", cols)), sharedLongs("quant.axis1", 1)));
                }
                zeroPoints = symmetric ? constantZeroPoints(base, bits, rows, blocks)
                        : add(Protos.tensor(base + ".zero_points", DataType.UINT8_VALUE, q.zeroPoints(), rows, blocks));
            }
            String scales = add(Protos.floats(base + ".scales", q.scales(), rows, blocks));
            List<String> inputs = new ArrayList<>(List.of(codes, scales));
            if (zeroPoints != null) {
                inputs.add(zeroPoints);
            }
            boolean reshape = layer.dims().length != 2;
            String out = reshape ? base + ".matrix" : layer.name();
            prologue.add(NodeProto.newBuilder().setName(base).setOpType("DequantizeLinear").addAllInput(inputs)
                    .addOutput(out).addAttribute(Protos.intAttr("axis", 1)).addAttribute(Protos.intAttr("block_size", group)).build());
            if (reshape) {
                prologue.add(NodeProto.newBuilder().setName(base + ".reshape").setOpType("Reshape")
                        .addInput(out).addInput(add(Protos.longs(base + ".shape", layer.dims()))).addOutput(layer.name()).build());
            }
            layerOperators.put(layer.name(), "DequantizeLinear(" + (bits == 4 || bits == 8 ? bits : 8) + ")");
        }

        /**
         * Stores codes as bit planes and adds the nodes that decode them to uint8 of {@code shape}.
         *
         * @return the name of the decoded tensor
         */
        private String decodePlanes(String base, byte[] codes, int bits, long[] shape) {
            String planes = add(Protos.tensor(base + ".planes", DataType.UINT8_VALUE, BitPacking.packPlanes(codes, bits),
                    bits, codes.length / 8));
            byte[] steps = new byte[8];
            for (int i = 0; i < 8; i++) {
                steps[i] = (byte) i;
            }
            byte[] planeSteps = new byte[bits];
            for (int i = 0; i < bits; i++) {
                planeSteps[i] = (byte) i;
            }
            String bitShifts = shared(Protos.tensor("quant.bit_shifts", DataType.UINT8_VALUE, steps, 8));
            String one = shared(Protos.tensor("quant.one", DataType.UINT8_VALUE, new byte[] {1}));
            String planeShifts = shared(Protos.tensor("quant.plane_shifts" + bits, DataType.UINT8_VALUE, planeSteps, bits, 1, 1));
            String column = node(base + ".planes3d", "Unsqueeze", List.of(planes, sharedLongs("quant.axis2", 2)));
            String spread = node(base + ".bits", "BitShift", List.of(column, bitShifts), Protos.stringAttr("direction", "RIGHT"));
            String bit = node(base + ".bit", "BitwiseAnd", List.of(spread, one));
            String placed = node(base + ".placed", "BitShift", List.of(bit, planeShifts), Protos.stringAttr("direction", "LEFT"));
            String wide = node(base + ".wide", "Cast", List.of(placed), Protos.intAttr("to", DataType.INT32_VALUE));
            String sum = node(base + ".sum", "ReduceSum", List.of(wide, sharedLongs("quant.axis0", 0)), Protos.intAttr("keepdims", 0));
            String narrow = node(base + ".codes8", "Cast", List.of(sum), Protos.intAttr("to", DataType.UINT8_VALUE));
            return node(base + ".decoded", "Reshape", List.of(narrow, add(Protos.longs(base + ".decoded_shape", shape))));
        }

        /** Zero points that are all {@code 2^(bits-1)}: a ConstantOfShape that the session folds away. */
        private String constantZeroPoints(String base, int bits, long... shape) {
            TensorProto value = Protos.tensor("value", DataType.UINT8_VALUE, new byte[] {(byte) (1 << (bits - 1))}, 1);
            return node(base + ".zero_points", "ConstantOfShape", List.of(add(Protos.longs(base + ".zero_points_shape", shape))),
                    AttributeProto.newBuilder().setName("value").setType(AttributeType.TENSOR).setT(value).build());
        }

        private void begin(Layer layer) {
            currentLayer = layer.name();
            layerBytes.put(layer.name(), 0L);
        }

        private float[] takeFloats(String name) {
            TensorProto t = initializers.remove(name);
            if (t == null) {
                throw new IllegalArgumentException("no initializer '" + name + "'");
            }
            removed.add(name);
            if (t.hasRawData()) {
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                float[] f = new float[b.remaining() / 4];
                b.asFloatBuffer().get(f);
                return f;
            }
            float[] f = new float[t.getFloatDataCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloatData(i);
            }
            return f;
        }

        private String add(TensorProto t) {
            if (initializers.containsKey(t.getName())) {
                throw new IllegalStateException("tensor name '" + t.getName() + "' is taken");
            }
            initializers.put(t.getName(), t);
            layerBytes.merge(currentLayer, (long) t.getRawData().size(), Long::sum);
            return t.getName();
        }

        /** A constant used by several layers of this graph, under this graph's own name for it. */
        private String shared(TensorProto t) {
            String name = sharedPrefix + t.getName();
            if (shared.add(name)) {
                initializers.put(name, t.toBuilder().setName(name).build());
            }
            return name;
        }

        private String sharedLongs(String name, long... values) {
            return shared(Protos.longs(name, values));
        }

        private String node(String output, String op, List<String> inputs, AttributeProto... attributes) {
            // unnamed (names are optional): these nodes are folded away at load, and names would add about
            // 40 bytes each to the file, which shows on small layers
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).addAllInput(inputs).addOutput(output);
            for (AttributeProto a : attributes) {
                n.addAttribute(a);
            }
            prologue.add(n.build());
            return output;
        }
    }

    /** Zero points of each row packed densely on their own, as MatMulNBits reads them. */
    private static byte[] packRows(byte[] zeroPoints, int rows, int blocks, int bits) {
        int rowBytes = (blocks * bits + 7) / 8;
        byte[] out = new byte[rows * rowBytes];
        for (int r = 0; r < rows; r++) {
            byte[] row = java.util.Arrays.copyOfRange(zeroPoints, r * blocks, (r + 1) * blocks);
            System.arraycopy(BitPacking.packDense(row, bits), 0, out, r * rowBytes, rowBytes);
        }
        return out;
    }
}
