package org.webaccel.models.internal.demo;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.models.internal.graph.ElementTypes;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.AttributeProto.AttributeType;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorProto.DataType;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/**
 * Builds one ONNX graph: typed inputs and outputs, initializers, and nodes whose single output has the
 * name the caller gives, so every intermediate tensor has a readable name.
 */
final class GraphBuilder {
    /** ONNX IR version 8 with the default-domain opset 17: what ONNX Runtime Web 1.30 runs everywhere. */
    static final long IR_VERSION = 8;
    static final long OPSET = 17;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    GraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Declares a graph input with the signature of {@code spec}; returns its name. */
    String input(TensorSpec spec) {
        claim(spec.name());
        graph.addInput(valueInfo(spec));
        return spec.name();
    }

    /** Declares that the tensor already named {@code spec.name()} is a graph output. */
    void output(TensorSpec spec) {
        if (!names.contains(spec.name())) {
            throw new IllegalStateException("output '" + spec.name() + "' is not produced by any node");
        }
        graph.addOutput(valueInfo(spec));
    }

    /** Adds a float32 initializer; returns its name. */
    String floats(String name, float[] values, long... dims) {
        checkCount(name, values.length, dims);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(name, DataType.FLOAT, b.array(), dims);
    }

    /** Adds a float32 scalar initializer (rank 0); returns its name. */
    String scalar(String name, float value) {
        return floats(name, new float[] {value});
    }

    /** Adds an int64 initializer; returns its name. */
    String longs(String name, long[] values, long... dims) {
        checkCount(name, values.length, dims);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(name, DataType.INT64, b.array(), dims);
    }

    /** Adds a 1-D int64 initializer, the form Reshape, Unsqueeze, Slice and ReduceSum take. */
    String vector(String name, long... values) {
        return longs(name, values, values.length);
    }

    /**
     * Adds a node of the default domain with one output.
     *
     * @param output the name of the node and of its output tensor
     * @return {@code output}
     */
    String node(String output, String opType, List<String> inputs, AttributeProto... attributes) {
        for (String in : inputs) {
            if (!names.contains(in)) {
                throw new IllegalStateException(opType + " '" + output + "' reads unknown tensor '" + in + "'");
            }
        }
        claim(output);
        graph.addNode(NodeProto.newBuilder()
                .setName(output)
                .setOpType(opType)
                .addAllInput(inputs)
                .addOutput(output)
                .addAllAttribute(Arrays.asList(attributes)));
        return output;
    }

    /** @return the finished model, IR version 8, opset 17 */
    ModelProto build(String docString) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("webaccel-demo-models")
                .setProducerVersion("1")
                .setModelVersion(1)
                .setDocString(docString)
                .setGraph(graph)
                .build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    /** @return the ONNX element type of {@code dtype} */
    static DataType onnxType(DType dtype) {
        return ElementTypes.onnxType(dtype);
    }

    private String initializer(String name, DataType type, byte[] raw, long... dims) {
        claim(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static ValueInfoProto valueInfo(TensorSpec spec) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim d : spec.shape()) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d.isSymbolic()) {
                dim.setDimParam(d.symbol());
            } else {
                dim.setDimValue(d.size());
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder()
                .setElemType(onnxType(spec.dtype()).getNumber())
                .setShape(shape)
                .build();
        return ValueInfoProto.newBuilder().setName(spec.name())
                .setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("tensor name '" + name + "' is used twice");
        }
    }

    private static void checkCount(String name, int count, long... dims) {
        long expected = 1;
        for (long d : dims) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException("initializer '" + name + "' of shape " + Arrays.toString(dims)
                    + " needs " + expected + " values, got " + count);
        }
    }
}
