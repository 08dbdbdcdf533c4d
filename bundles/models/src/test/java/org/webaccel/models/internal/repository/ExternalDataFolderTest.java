package org.webaccel.models.internal.repository;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelState;
import org.webaccel.api.model.ModelType;
import org.webaccel.models.internal.graph.PageSizeLimit;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;
import org.webaccel.onnx.Onnx.NodeProto;
import org.webaccel.onnx.Onnx.StringStringEntryProto;
import org.webaccel.onnx.Onnx.TensorProto;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/** The repository serves a model with external data with its data files named, and refuses one it cannot serve. */
public class ExternalDataFolderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static ValueInfoProto floats(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder()
                                .setDimValue(4))))).build();
    }

    /** y = x + w, with w's 16 bytes in weights.bin. */
    private static byte[] model() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("16")).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(floats("x")).addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(floats("y")).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(g).build().toByteArray();
    }

    private Path root() {
        return tmp.getRoot().toPath().resolve("models");
    }

    private Path folder(String name, String descriptor) throws Exception {
        Path dir = Files.createDirectories(root().resolve(name).resolve("1"));
        Files.write(dir.resolve("model.onnx"), model());
        Files.write(dir.resolve("weights.bin"), new byte[16]);
        if (descriptor != null) {
            Files.writeString(dir.resolve("descriptor.json"), descriptor);
        }
        return dir;
    }

    private FolderModelRepository repository(long limit) {
        return new FolderModelRepository(root(), false, getClass().getClassLoader(),
                new PageSizeLimit(limit, "maxModelBytes of " + FolderModelRepository.PID));
    }

    private static String reason(FolderModelRepository repo, String name) {
        ModelState state = repo.index().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        assertFalse(state.toString(), state.ready());
        return state.reason();
    }

    @Test
    public void theDescriptorNamesTheDataFilesWithOrWithoutDescriptorJson() throws Exception {
        folder("bare", null);
        folder("described", "{\"type\": \"vision\"}");
        FolderModelRepository repo = repository(PageSizeLimit.DEFAULT);
        ModelDescriptor bare = repo.find("bare", "1").orElseThrow();
        assertEquals(List.of("weights.bin"), bare.externalData());
        assertEquals(List.of("x"), bare.inputs().stream().map(s -> s.name()).toList());
        ModelDescriptor described = repo.find("described", "1").orElseThrow();
        assertEquals(ModelType.VISION, described.type());
        assertEquals(List.of("weights.bin"), described.externalData());
    }

    @Test
    public void aChangedDataFileIsANewLoadAndAMissingOneIsRefused() throws Exception {
        Path dir = folder("m", null);
        FolderModelRepository repo = repository(PageSizeLimit.DEFAULT);
        List<ModelChange> changes = new ArrayList<>();
        repo.listen(changes::add);
        Files.write(dir.resolve("weights.bin"), new byte[32]);
        repo.refresh();
        assertEquals(List.of("m:1"), changes.get(0).replaced().stream().map(ModelDescriptor::id).toList());
        Files.delete(dir.resolve("weights.bin"));
        repo.refresh();
        assertFalse(repo.find("m", "1").isPresent());
        assertEquals(dir.resolve("model.onnx") + ": initializer 'w' keeps its data in 'weights.bin', which is missing "
                + "in " + dir, reason(repo, "m"));
    }

    @Test
    public void aModelAboveTheConfiguredLimitIsNotServedAndTheIndexSaysWhy() throws Exception {
        Path dir = folder("big", null);
        long total = Files.size(dir.resolve("model.onnx")) + 16;
        FolderModelRepository repo = repository(total - 1);
        assertFalse(repo.find("big", "1").isPresent());
        String reason = reason(repo, "big");
        assertTrue(reason, reason.contains("has " + total + " bytes, above the page limit of " + (total - 1)
                + " bytes (maxModelBytes of org.webaccel.models.repository)"));
        assertTrue(repository(total).find("big", "1").isPresent());
    }
}
