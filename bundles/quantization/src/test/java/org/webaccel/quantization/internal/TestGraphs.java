package org.webaccel.quantization.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.AttributeProto.AttributeType;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/** Small ONNX graphs written in tests, shaped like parts of real models. */
final class TestGraphs {
    private TestGraphs() {
    }

    static TensorProto floats(String name, long seed, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1) * 0.2f;
        }
        return Protos.floats(name, v, dims);
    }

    static NodeProto node(String op, String[] inputs, String[] outputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(outputs[0] + "_node");
        for (String i : inputs) {
            b.addInput(i);
        }
        for (String o : outputs) {
            b.addOutput(o);
        }
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto graph(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.GRAPH).setG(g).build();
    }

    static AttributeProto tensor(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(t).build();
    }

    /** @param dims sizes, or 0 for a symbolic size */
    static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("n"));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    static ValueInfoProto floatValue(String name, long... dims) {
        return value(name, TensorProto.DataType.FLOAT_VALUE, dims);
    }

    static ModelProto model(GraphProto graph, long opset, long irVersion) {
        return ModelProto.newBuilder().setIrVersion(irVersion).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    static TensorProto external(String name, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto bool(String name, boolean value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.BOOL_VALUE)
                .setRawData(ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)})).build();
    }

    static TensorProto longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /**
     * x [1, 64] -> Gemm(w1, transB) -> h [1, 32] -> If(then: Gemm(h, w2) -> MatMul(branch.w) -> ReduceMean,
     * plus the mean of the branch's own {@code dup}; else: ReduceMean(h) plus the mean of its own {@code dup}).
     */
    static ModelProto headWithBranch() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addInitializer(floats("branch.w", 5, 32, 32))
                .addInitializer(floats("dup", 8, 16, 16))
                .addNode(node("Gemm", new String[] {"h", "w2"}, new String[] {"y"}, Protos.intAttr("transB", 1)))
                .addNode(node("MatMul", new String[] {"y", "branch.w"}, new String[] {"y2"}))
                .addNode(node("ReduceMean", new String[] {"y2"}, new String[] {"then_mean"}, ints("axes", 1)))
                .addNode(node("ReduceMean", new String[] {"dup"}, new String[] {"then_dup"}, ints("axes", 0, 1)))
                .addNode(node("Add", new String[] {"then_mean", "then_dup"}, new String[] {"then_out"}))
                .addOutput(floatValue("then_out", 1, 1)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addInitializer(floats("dup", 9, 16, 16))
                .addNode(node("ReduceMean", new String[] {"h"}, new String[] {"else_mean"}, ints("axes", 1)))
                .addNode(node("ReduceMean", new String[] {"dup"}, new String[] {"else_dup"}, ints("axes", 0, 1)))
                .addNode(node("Add", new String[] {"else_mean", "else_dup"}, new String[] {"else_out"}))
                .addOutput(floatValue("else_out", 1, 1)).build();
        GraphProto g = GraphProto.newBuilder().setName("head")
                .addInput(floatValue("x", 1, 64))
                .addInitializer(floats("w1", 1, 32, 64))
                .addInitializer(floats("b1", 2, 32))
                .addInitializer(floats("w2", 3, 32, 32))
                .addInitializer(floats("unused", 4, 64, 64))
                .addInitializer(floats("small", 6, 4, 4))
                .addInitializer(longs("shape", 1, 32))
                .addInitializer(external("outside", 64, 64))
                .addInitializer(bool("cond", true))
                .addNode(node("Constant", new String[0], new String[] {"const"},
                        tensor("value", floats("ignored", 7, 2, 2))))
                .addNode(node("Gemm", new String[] {"x", "w1", "b1"}, new String[] {"h0"}, Protos.intAttr("transB", 1)))
                .addNode(node("Reshape", new String[] {"h0", "shape"}, new String[] {"h"}))
                .addNode(node("If", new String[] {"cond"}, new String[] {"out"}, graph("then_branch", thenBranch),
                        graph("else_branch", elseBranch)))
                .addOutput(floatValue("out", 1, 1)).build();
        return model(g, 13, 7);
    }

    /** {@link #headWithBranch} without its external-data initializer, so that ONNX Runtime can run it. */
    static ModelProto runnableHeadWithBranch() {
        ModelProto m = headWithBranch();
        GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer();
        m.getGraph().getInitializerList().stream().filter(t -> !t.getName().equals("outside")).forEach(g::addInitializer);
        return m.toBuilder().setGraph(g).build();
    }
}
