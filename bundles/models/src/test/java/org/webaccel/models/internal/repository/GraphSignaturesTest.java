package org.webaccel.models.internal.repository;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/** A model's signature read from its graph; descriptor.json optional, and refused when it contradicts it. */
public class GraphSignaturesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path folder(String name, byte[] onnx, String descriptor) throws Exception {
        Path dir = Files.createDirectories(tmp.getRoot().toPath().resolve("models").resolve(name).resolve("1"));
        Files.write(dir.resolve("model.onnx"), onnx);
        if (descriptor != null) {
            Files.writeString(dir.resolve("descriptor.json"), descriptor);
        }
        return dir;
    }

    private static byte[] demo(String name) throws Exception {
        try (InputStream in = GraphSignaturesTest.class.getClassLoader()
                .getResourceAsStream("demo-models/" + name + "/1/model.onnx")) {
            return in.readAllBytes();
        }
    }

    private Catalog scan() {
        return new ModelFolderScanner().scan(tmp.getRoot().toPath().resolve("models"));
    }

    private static ValueInfoProto value(String name, TypeProto type) {
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static TypeProto tensor(TensorProto.DataType t, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : d == null ? TensorShapeProto.Dimension.newBuilder()
                    : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.getNumber())
                .setShape(shape)).build();
    }

    /** A graph of the given inputs and one float output; {@code w} is also an initializer when listed. */
    private static byte[] graph(ValueInfoProto... inputs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addOutput(value("y", tensor(TensorProto.DataType.FLOAT, "n")));
        for (ValueInfoProto in : inputs) {
            g.addInput(in);
            if (in.getName().equals("w")) {
                g.addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1).addFloatData(1f));
            }
        }
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(g).build().toByteArray();
    }

    @Test
    public void aFolderWithOnlyModelOnnxIsServedWithTheGraphsSignature() throws Exception {
        folder("encoder", demo("text-encoder"), null);
        Catalog c = scan();
        assertEquals(List.of(), c.skipped());
        ModelDescriptor d = c.models().get(0).descriptor();
        assertEquals("encoder:1", d.id());
        assertEquals(ModelType.UNKNOWN, d.type());
        assertEquals(new TensorSpec("input_ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("sequence")),
                null), d.inputs().get(0));
        assertEquals(List.of("last_hidden_state", "sentence_embedding"), d.outputs().stream().map(TensorSpec::name)
                .toList());
        assertEquals("symbols are 1 unless configured", Map.of("batch", 1L, "sequence", 1L), d.exampleDims());
    }

    @Test
    public void aDescriptorAddsWhatTheGraphCannotSay() throws Exception {
        folder("encoder", demo("text-encoder"), "{\"type\": \"text-embedding\", \"description\": \"mine\","
                + " \"exampleDims\": {\"sequence\": 16}}");
        ModelDescriptor d = scan().models().get(0).descriptor();
        assertEquals(ModelType.TEXT_EMBEDDING, d.type());
        assertEquals("mine", d.description());
        assertEquals(Map.of("batch", 1L, "sequence", 16L), d.exampleDims());
        assertEquals(DType.INT64, d.inputs().get(0).dtype());
    }

    @Test
    public void aDescriptorThatContradictsTheGraphIsRefusedNamingBoth() throws Exception {
        Path dir = folder("encoder", demo("text-encoder"), "{\"inputs\": [{\"name\": \"input_ids\", \"dtype\": "
                + "\"int32\", \"shape\": [\"batch\", \"sequence\"]}, {\"name\": \"attention_mask\", \"dtype\": "
                + "\"int64\", \"shape\": [\"batch\", \"sequence\"]}]}");
        folder("fixed", graph(value("x", tensor(TensorProto.DataType.FLOAT, 1, 3))),
                "{\"inputs\": [{\"name\": \"x\", \"dtype\": \"float32\", \"shape\": [\"batch\", 3]}]}");
        folder("named", graph(value("x", tensor(TensorProto.DataType.FLOAT, 3))),
                "{\"inputs\": [{\"name\": \"pixels\", \"dtype\": \"float32\", \"shape\": [3]}]}");
        Catalog c = scan();
        assertEquals(List.of(), c.models());
        assertEquals(dir.resolve("descriptor.json") + ": contradicts " + dir.resolve("model.onnx") + ": input "
                + "'input_ids' is int32 in the descriptor, int64 in the graph", c.skipped().get(0).reason());
        assertTrue(c.skipped().get(1).reason(), c.skipped().get(1).reason().endsWith("input 'x' dimension 0 is "
                + "batch in the descriptor, fixed at 1 in the graph"));
        assertTrue(c.skipped().get(2).reason(), c.skipped().get(2).reason().endsWith("the descriptor lists inputs "
                + "[pixels], the graph [x]"));
    }

    @Test
    public void initializersAreNoInputsAndUnnamedDimensionsGetANameOfTheirPlace() throws Exception {
        folder("m", graph(value("x", tensor(TensorProto.DataType.FLOAT, "n", null)),
                value("w", tensor(TensorProto.DataType.FLOAT, 1))), null);
        ModelDescriptor d = scan().models().get(0).descriptor();
        assertEquals(List.of(new TensorSpec("x", DType.FLOAT32, List.of(Dim.symbolic("n"), Dim.symbolic("x_1")),
                null)), d.inputs());
    }

    @Test
    public void whatAPageCannotBeGivenIsRefusedWhenTheModelLoads() throws Exception {
        folder("a-bfloat16", graph(value("x", tensor(TensorProto.DataType.BFLOAT16, 2))), null);
        folder("b-sequence", graph(value("s", TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder()
                .setElemType(tensor(TensorProto.DataType.FLOAT, 2))).build())), null);
        folder("c-not-onnx", "not an ONNX model".getBytes(), null);
        folder("d-ok", graph(value("x", tensor(TensorProto.DataType.FLOAT, 2))), null);
        Catalog c = scan();
        assertEquals(List.of("d-ok:1"), c.models().stream().map(m -> m.descriptor().id()).toList());
        assertTrue(c.skipped().get(0).reason(), c.skipped().get(0).reason().endsWith("input 'x' has element type "
                + "bfloat16, which is not supported; supported: [float32, float16, int64, int32, int8, uint8, bool, "
                + "float64, int16, uint16, uint32, uint64, string]"));
        assertTrue(c.skipped().get(1).reason(), c.skipped().get(1).reason().endsWith("input 's' is a sequence; a "
                + "page can only be given and asked for dense tensors"));
        assertTrue(c.skipped().get(2).reason(), c.skipped().get(2).reason().contains("is not an ONNX model"));
    }

    @Test
    public void everyTensorTypeOfOnnxRuntimeWebIsReadFromTheGraph() throws Exception {
        TensorProto.DataType[] onnx = {TensorProto.DataType.DOUBLE, TensorProto.DataType.INT16,
            TensorProto.DataType.UINT16, TensorProto.DataType.UINT32, TensorProto.DataType.UINT64,
            TensorProto.DataType.STRING};
        DType[] ours = {DType.FLOAT64, DType.INT16, DType.UINT16, DType.UINT32, DType.UINT64, DType.STRING};
        for (int i = 0; i < onnx.length; i++) {
            folder("t" + i, graph(value("x", tensor(onnx[i], 2))), null);
        }
        Catalog c = scan();
        assertEquals(List.of(), c.skipped());
        for (int i = 0; i < onnx.length; i++) {
            assertEquals(ours[i], c.models().get(i).descriptor().inputs().get(0).dtype());
        }
    }
}
