package org.webaccel.harness.onnxfiles;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.webaccel.api.tensor.DType;
import org.webaccel.onnx.Onnx.AttributeProto;
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
 * Models written by the tests, with nothing but model.onnx in their folders (signatures come from the graph):
 * <ul>
 * <li>{@value #TYPES}: one input of each element type the demo models lack (float64, int16, uint16, uint32, uint64,
 * string); each output is its input concatenated with itself (strings: the input itself). ONNX Runtime Web's
 * WebGPU build, the one pages load, has kernels of every type only for moving data: its Cast, Add, Neg and the
 * like lack float64, int16, uint16 and string, and its Concat lacks string (its wasm-only build has them all);</li>
 * <li>{@value #REDUCE}: ReduceSum of a float32 [2, 3] over the axes given as an int64 input, which may be empty
 * (then over all axes), keeping the reduced dimensions;</li>
 * <li>{@value #CONSTANT}: no inputs; its outputs are constants (float32 and string).</li>
 * </ul>
 * ONNX Runtime Java has no unsigned types wider than 8 bits, so each model also has a reference twin, written
 * outside the repository, that takes and gives the signed type of the same width and casts in between: the same
 * bytes in, the same bytes out.
 *
 * <p>Lives in a package the Felix test container delegates to the class path (see FelixOptions): it uses the ONNX
 * schema's classes and protobuf-java as the class path has them, and offers the probe only JDK types.
 */
public final class TypesModelFiles {
    public static final String TYPES = "tensor-types";
    public static final String REDUCE = "reduce-axes";
    public static final String CONSTANT = "no-inputs";
    private static final List<String> NAMES = List.of("f64", "i16", "u16", "u32", "u64", "s");
    private static final List<DType> DTYPES = List.of(DType.FLOAT64, DType.INT16, DType.UINT16, DType.UINT32,
            DType.UINT64, DType.STRING);

    private TypesModelFiles() {
    }

    /** Writes the three models into {@code home/models} and their reference twins into {@code home/reference}. */
    public static void write(Path home) throws IOException {
        for (boolean twin : new boolean[] {false, true}) {
            save(home, TYPES, types(twin), twin);
            save(home, REDUCE, reduce(), twin);
            save(home, CONSTANT, constant(), twin);
        }
    }

    /** @return the model file of the reference twin of {@code model} */
    public static Path reference(Path home, String model) {
        return home.resolve("reference/" + model + ".onnx");
    }

    private static void save(Path home, String name, GraphProto graph, boolean twin) throws IOException {
        Path file = twin ? reference(home, name) : home.resolve("models/" + name + "/1/model.onnx");
        Files.createDirectories(file.getParent());
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("webaccel-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph.toBuilder().setName(name)).build();
        Files.write(file, m.toByteArray());
    }





    /** @return the signed type of the same width of an unsigned type wider than 8 bits, else the type itself */
    private static DType signedOf(DType t) {
        return t == DType.UINT16 || t == DType.UINT32 || t == DType.UINT64 ? DType.valueOf(t.name().substring(1)) : t;
    }

    private static GraphProto types(boolean twin) {
        GraphProto.Builder g = GraphProto.newBuilder();
        for (int i = 0; i < NAMES.size(); i++) {
            String x = NAMES.get(i);
            DType own = DTYPES.get(i);
            DType fed = twin ? signedOf(own) : own;
            g.addInput(value(x, fed, "n_" + x));
            String input = x;
            if (fed != own) {
                input = x + "_own";
                g.addNode(node("Cast", List.of(x), input, intAttr("to", ElementType.of(own))));
            }
            String doubled = x + "_twice";
            String out = fed != own ? doubled + "_own" : doubled;
            g.addNode(own == DType.STRING ? node("Identity", List.of(input), out)
                    : node("Concat", List.of(input, input), out, intAttr("axis", 0)));
            if (fed != own) {
                g.addNode(node("Cast", List.of(doubled + "_own"), doubled, intAttr("to", ElementType.of(fed))));
            }
            g.addOutput(value(doubled, fed, own == DType.STRING ? "n_" + x : "m_" + x));
        }
        return g.build();
    }

    private static GraphProto reduce() {
        return GraphProto.newBuilder()
                .addInput(value("data", DType.FLOAT32, 2, 3))
                .addInput(value("axes", DType.INT64, "k"))
                .addNode(node("ReduceSum", List.of("data", "axes"), "sum", intAttr("keepdims", 1)))
                .addOutput(value("sum", DType.FLOAT32, "r0", "r1"))
                .build();
    }

    private static GraphProto constant() {
        TensorProto values = TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(3)
                .setRawData(ByteString.copyFrom(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(1.5f).putFloat(-2f).putFloat(1e-3f).array())).build();
        TensorProto words = TensorProto.newBuilder().setDataType(DataType.STRING_VALUE).addDims(2)
                .addStringData(ByteString.copyFromUtf8("no")).addStringData(ByteString.copyFromUtf8("inputs ✓"))
                .build();
        return GraphProto.newBuilder()
                .addNode(node("Constant", List.of(), "values", AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(values).build()))
                .addNode(node("Constant", List.of(), "words", AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(words).build()))
                .addOutput(value("values", DType.FLOAT32, "three"))
                .addOutput(value("words", DType.STRING, "two"))
                .build();
    }

    /** A tensor value; each dimension a symbol (String) or a size (Integer). */
    private static ValueInfoProto value(String name, DType dtype, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String symbol ? TensorShapeProto.Dimension.newBuilder().setDimParam(symbol)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(ElementType.of(dtype)).setShape(shape);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs)
                .addOutput(output);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** ONNX's element type numbers for the types these models use. */
    private static final class ElementType {
        static int of(DType t) {
            return switch (t) {
                case FLOAT32 -> DataType.FLOAT_VALUE;
                case FLOAT64 -> DataType.DOUBLE_VALUE;
                case INT64 -> DataType.INT64_VALUE;
                case INT32 -> DataType.INT32_VALUE;
                case INT16 -> DataType.INT16_VALUE;
                case UINT16 -> DataType.UINT16_VALUE;
                case UINT32 -> DataType.UINT32_VALUE;
                case UINT64 -> DataType.UINT64_VALUE;
                case STRING -> DataType.STRING_VALUE;
                default -> throw new IllegalArgumentException(t.toString());
            };
        }
    }
}
