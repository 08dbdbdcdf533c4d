package org.webaccel.models.internal.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;
import org.webaccel.onnx.Onnx.AttributeProto;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.StringStringEntryProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/** Models whose weights live in files beside model.onnx: what the graph refers to, and what is refused. */
public class ExternalDataTest {
    private static final PageSizeLimit DEFAULT = new PageSizeLimit(PageSizeLimit.DEFAULT, "the default");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static ValueInfoProto floats(String name, Object dim) {
        TensorShapeProto.Dimension d = dim instanceof String s ? TensorShapeProto.Dimension.newBuilder()
                .setDimParam(s).build() : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) dim).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(d)))).build();
    }

    /** A float tensor of {@code n} elements whose data is at {@code location}, or embedded when null. */
    private static TensorProto tensor(String name, int n, String location, Long offset, Long length) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(n);
        if (location == null) {
            for (int i = 0; i < n; i++) {
                t.addFloatData(i);
            }
            return t.build();
        }
        t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location));
        if (offset != null) {
            t.addExternalData(entry("offset", Long.toString(offset)));
        }
        if (length != null) {
            t.addExternalData(entry("length", Long.toString(length)));
        }
        return t.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /**
     * y = x + w + b + c: x an input; w also a graph input (an overridable weight) and an initializer; w, b and the
     * tensor of a Constant node as given.
     */
    private static ModelProto model(TensorProto w, TensorProto b, TensorProto c) {
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(floats("x", "n")).addInput(floats("w", 4))
                .addInitializer(w).addInitializer(b)
                .addNode(NodeProto.newBuilder().setName("const_c").setOpType("Constant").addOutput("c")
                        .addAttribute(AttributeProto.newBuilder().setName("value")
                                .setType(AttributeProto.AttributeType.TENSOR).setT(c)))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("xw"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("xw").addInput("b").addOutput("xwb"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("xwb").addInput("c").addOutput("y"))
                .addOutput(floats("y", "n")).build();
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g).build();
    }

    private Path write(ModelProto model, String... dataFiles) throws Exception {
        Path dir = Files.createDirectories(tmp.getRoot().toPath().resolve("m").resolve("1"));
        for (String f : dataFiles) {
            Files.write(dir.resolve(f), new byte[64]);
        }
        return Files.write(dir.resolve("model.onnx"), model.toByteArray());
    }

    private static String failure(Path modelFile, PageSizeLimit limit) {
        try {
            GraphSignature g = GraphSignature.read(modelFile);
            limit.check(modelFile, ExternalDataFiles.check(modelFile, g.externalTensors()));
        } catch (InvalidDescriptorException e) {
            return e.getMessage();
        }
        fail("the model was accepted");
        return null;
    }

    @Test
    public void theFilesTheGraphRefersToAreCollectedOnceEachInOrder() throws Exception {
        Path file = write(model(tensor("w", 4, "weights.bin", 0L, 16L), tensor("b", 4, "weights.bin", 16L, 16L),
                tensor("c", 4, "constants.bin", null, null)), "weights.bin", "constants.bin");
        GraphSignature g = GraphSignature.read(file);
        // in file order: a graph's nodes (field 1) are written before its initializers (field 5)
        assertEquals(List.of("tensor 'c' in attribute 'value' of node 'const_c'", "initializer 'w'",
                "initializer 'b'"), g.externalTensors().stream().map(ExternalTensor::owner).toList());
        assertEquals(List.of("constants.bin", "weights.bin"), ExternalDataFiles.check(file, g.externalTensors()));
        assertEquals(64 + 64 + Files.size(file), DEFAULT.check(file, List.of("weights.bin", "constants.bin")));
    }

    @Test
    public void theSignatureIsReadWithoutTheDataFilesAndLeavesInitializersOut() throws Exception {
        // no data file exists: reading the signature never opens one
        Path file = write(model(tensor("w", 4, "weights.bin", null, null), tensor("b", 4, null, null, null),
                tensor("c", 4, null, null, null)));
        GraphSignature g = GraphSignature.read(file);
        assertEquals(List.of("x"), g.inputs().stream().map(TensorSpec::name).toList());
        assertEquals(List.of("y"), g.outputs().stream().map(TensorSpec::name).toList());
        assertEquals(1, g.externalTensors().size());
    }

    @Test
    public void aModelWithoutExternalDataHasNoDataFiles() throws Exception {
        Path file = write(model(tensor("w", 4, null, null, null), tensor("b", 4, null, null, null),
                tensor("c", 4, null, null, null)));
        assertEquals(List.of(), ExternalDataFiles.check(file, GraphSignature.read(file).externalTensors()));
    }

    @Test
    public void aLocationThatIsNotAPlainFileNameInTheFolderIsRefusedNamingTheTensor() throws Exception {
        for (String location : List.of("../weights.bin", "sub/weights.bin", "/tmp/weights.bin", "..", ".hidden",
                "a\\b", "model.onnx")) {
            Path file = write(model(tensor("w", 4, null, null, null), tensor("b", 4, location, null, null),
                    tensor("c", 4, null, null, null)));
            String message = failure(file, DEFAULT);
            assertTrue(message, message.startsWith(file + ": initializer 'b' keeps its data in '" + location
                    + "', which is not a plain file name in the model's folder"));
        }
    }

    @Test
    public void aMissingDataFileIsRefusedNamingTheTensorAndTheFile() throws Exception {
        Path file = write(model(tensor("w", 4, "weights.bin", null, null), tensor("b", 4, null, null, null),
                tensor("c", 4, "constants.bin", null, null)), "weights.bin");
        assertEquals(file + ": tensor 'c' in attribute 'value' of node 'const_c' keeps its data in 'constants.bin', "
                + "which is missing in " + file.getParent(), failure(file, DEFAULT));
    }

    @Test
    public void aDataFileThatIsALinkIsRefused() throws Exception {
        Path outside = Files.write(tmp.getRoot().toPath().resolve("outside.bin"), new byte[64]);
        Path file = write(model(tensor("w", 4, "weights.bin", null, null), tensor("b", 4, null, null, null),
                tensor("c", 4, null, null, null)));
        Files.createSymbolicLink(file.resolveSibling("weights.bin"), outside);
        String message = failure(file, DEFAULT);
        assertTrue(message, message.contains("initializer 'w' keeps its data in 'weights.bin', which is a symbolic "
                + "link"));
    }

    @Test
    public void bytesBeyondTheEndOfTheFileOrABadOffsetAreRefused() throws Exception {
        Path file = write(model(tensor("w", 4, "weights.bin", 56L, 16L), tensor("b", 4, null, null, null),
                tensor("c", 4, null, null, null)), "weights.bin");
        assertEquals(file + ": initializer 'w' keeps 16 bytes at offset 56 of 'weights.bin', which has only 64 "
                + "bytes", failure(file, DEFAULT));
        file = write(model(tensor("w", 4, "weights.bin", -1L, null), tensor("b", 4, null, null, null),
                tensor("c", 4, null, null, null)), "weights.bin");
        assertEquals(file + ": initializer 'w' has external_data offset '-1'; expected a number of bytes >= 0",
                failure(file, DEFAULT));
    }

    @Test
    public void anExternalTensorWithoutALocationIsRefused() throws Exception {
        TensorProto w = tensor("w", 4, null, null, null).toBuilder().clearFloatData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        Path file = write(model(w, tensor("b", 4, null, null, null), tensor("c", 4, null, null, null)));
        assertEquals(file + ": initializer 'w' has data_location EXTERNAL but no 'location' entry in its "
                + "external_data", failure(file, DEFAULT));
    }

    @Test
    public void aModelAboveThePageLimitIsRefusedWithTheLimitInTheMessage() throws Exception {
        Path file = write(model(tensor("w", 4, "weights.bin", null, null), tensor("b", 4, null, null, null),
                tensor("c", 4, null, null, null)), "weights.bin");
        long total = Files.size(file) + 64;
        PageSizeLimit limit = new PageSizeLimit(total - 1, "maxModelBytes of org.webaccel.models.repository");
        assertEquals(file + ": with its external data files [weights.bin], has " + total + " bytes, above the page "
                + "limit of " + (total - 1) + " bytes (maxModelBytes of org.webaccel.models.repository): a page "
                + "must hold the whole model in its memory", failure(file, limit));
        // at the limit it is served
        assertEquals(total, new PageSizeLimit(total, "x").check(file, List.of("weights.bin")));
    }

    @Test
    public void theDefaultLimitIsTwoGibibytesLessOneByte() {
        assertEquals((2L << 30) - 1, PageSizeLimit.DEFAULT);
    }
}
