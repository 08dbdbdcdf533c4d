package org.webaccel.models.internal.repository;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.ModelChange;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelState;
import org.webaccel.api.model.ModelType;

public class FolderModelRepositoryTest {
    private static final List<String> DEMO_IDS = List.of("audio-encoder:1", "image-classifier:1",
            "text-classifier-head:1", "text-encoder:1", "text-projection-head:1");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path root;

    @Before
    public void setUp() {
        root = tmp.getRoot().toPath().resolve("models");
    }

    @Test
    public void installsTheDemoModelsIntoAnEmptyFolderAndFindsThem() throws Exception {
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), true));
        assertEquals(DEMO_IDS, ids(repo));
        assertEquals(List.of(), repo.skipped());

        ModelDescriptor text = repo.find("text-encoder", null).orElseThrow();
        assertEquals(ModelType.TEXT_EMBEDDING, text.type());
        assertEquals("input_ids", text.inputs().get(0).name());
        Path file = repo.modelFile(text);
        assertEquals(root.resolve("text-encoder/1/model.onnx"), file);
        assertArrayEquals(resource("demo-models/text-encoder/1/model.onnx"), Files.readAllBytes(file));
        assertTrue(repo.find("text-encoder", "1").isPresent());
        assertFalse(repo.find("text-encoder", "2").isPresent());
        assertFalse(repo.find("no-such-model", null).isPresent());
        try (Stream<Path> leftovers = Files.list(root.resolve("text-encoder"))) {
            assertEquals("no staging folder is left behind", List.of(root.resolve("text-encoder/1")),
                    leftovers.toList());
        }
    }

    @Test
    public void neverOverwritesAUsersFiles() throws Exception {
        new FolderModelRepository(config(root.toString(), true));
        Path descriptor = root.resolve("image-classifier/1/descriptor.json");
        String edited = Files.readString(descriptor).replaceFirst("\"description\" : \"[^\"]*\"",
                "\"description\" : \"my own classifier\"");
        Files.writeString(descriptor, edited);
        Path model = root.resolve("audio-encoder/1/model.onnx");
        Files.delete(model);

        FolderModelRepository again = new FolderModelRepository(config(root.toString(), true));
        assertEquals(edited, Files.readString(descriptor));
        assertEquals("my own classifier", again.find("image-classifier", null).orElseThrow().description());
        assertFalse("a folder the user emptied is not refilled", Files.exists(model));
        assertEquals(List.of("image-classifier:1", "text-classifier-head:1", "text-encoder:1",
                "text-projection-head:1"), ids(again));
        assertEquals(1, again.skipped().size());
        assertTrue(again.skipped().get(0).reason(), again.skipped().get(0).reason().startsWith(model + ": file is missing"));
    }

    @Test
    public void aBrokenDescriptorIsSkippedWithAClearMessageAndTheRestStillLoads() throws Exception {
        Path broken = root.resolve("broken/1");
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.onnx"), resource("demo-models/image-classifier/1/model.onnx"));
        Files.writeString(broken.resolve("descriptor.json"), "{ \"name\": \"broken\", \"version\": \"1\", ");

        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), true));
        assertEquals(DEMO_IDS, ids(repo));
        assertEquals(1, repo.skipped().size());
        SkippedModel s = repo.skipped().get(0);
        assertEquals(broken, s.folder());
        assertTrue(s.reason(), s.reason().startsWith(broken.resolve("descriptor.json") + ": not valid JSON"));
        assertFalse(repo.find("broken", null).isPresent());
    }

    @Test
    public void aDescriptorWhoseNameDiffersFromItsFolderIsSkipped() throws Exception {
        copyModel("image-classifier", "1", "renamed", "1");
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), false));
        assertEquals(List.of(), repo.list());
        String reason = repo.skipped().get(0).reason();
        assertTrue(reason, reason.contains("name: 'image-classifier' differs from the folder name 'renamed'"));
    }

    @Test
    public void aModelDroppedWithoutAVersionFolderIsReported() throws Exception {
        Files.createDirectories(root.resolve("mine"));
        Files.writeString(root.resolve("mine/model.onnx"), "x");
        Files.writeString(root.resolve("README.txt"), "files beside the models are ignored");
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), false));
        assertEquals(1, repo.skipped().size());
        assertTrue(repo.skipped().get(0).reason(), repo.skipped().get(0).reason().contains("holds no version folder"));
    }

    @Test
    public void findWithoutVersionGivesTheHighestVersionNumerically() throws Exception {
        for (String v : List.of("2", "10", "9")) {
            copyModel("image-classifier", "1", "classifier", v);
        }
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), false));
        assertEquals("10", repo.find("classifier", null).orElseThrow().version());
        assertEquals("9", repo.find("classifier", "9").orElseThrow().version());
        assertEquals(List.of("classifier:2", "classifier:9", "classifier:10"), ids(repo));
        assertEquals(root.resolve("classifier/9/model.onnx"),
                repo.modelFile(repo.find("classifier", "9").orElseThrow()));
    }

    @Test
    public void refreshPicksUpModelsAddedAfterActivation() throws Exception {
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), false));
        assertEquals(List.of(), repo.list());
        copyModel("text-encoder", "1", "text-encoder", "1");
        assertEquals("not before a refresh", List.of(), repo.list());
        repo.refresh();
        assertEquals(List.of("text-encoder:1"), ids(repo));
    }

    @Test
    public void withoutDemoModelsAnEmptyFolderStaysEmpty() {
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), false));
        assertEquals(List.of(), repo.list());
        assertFalse(Files.exists(root));
    }

    @Test
    public void modelFileRejectsAModelFromElsewhere() throws Exception {
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), true));
        ModelDescriptor text = repo.find("text-encoder", null).orElseThrow();
        ModelDescriptor foreign = new ModelDescriptor("other", "1", text.type(), "", text.inputs(), text.outputs(),
                text.exampleDims());
        try {
            repo.modelFile(foreign);
            fail("a path for an unknown model");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'other:1' is not in the model repository"));
        }
    }

    @Test
    public void relativePathsResolveAgainstHomeThenTheWorkingDirectory() {
        Path abs = tmp.getRoot().toPath().toAbsolutePath();
        assertEquals(abs.resolve("x"), FolderModelRepository.resolveRoot(abs.resolve("x").toString(), "/elsewhere"));
        assertEquals(abs.resolve("models"), FolderModelRepository.resolveRoot("models", abs.toString()));
        assertEquals(Path.of("").toAbsolutePath().resolve("models"), FolderModelRepository.resolveRoot("models", null));
        assertEquals(abs.resolve("models"), FolderModelRepository.resolveRoot("", abs.toString()));
    }

    private void copyModel(String fromName, String fromVersion, String name, String version) throws IOException {
        Path dir = root.resolve(name).resolve(version);
        Files.createDirectories(dir);
        String prefix = "demo-models/" + fromName + "/" + fromVersion + "/";
        Files.write(dir.resolve("model.onnx"), resource(prefix + "model.onnx"));
        String descriptor = new String(resource(prefix + "descriptor.json"));
        if (fromName.equals(name)) {
            descriptor = descriptor.replace("\"version\" : \"" + fromVersion + "\"", "\"version\" : \"" + version + "\"");
        } else if (!name.equals("renamed")) {
            descriptor = descriptor.replace("\"name\" : \"" + fromName + "\"", "\"name\" : \"" + name + "\"")
                    .replace("\"version\" : \"" + fromVersion + "\"", "\"version\" : \"" + version + "\"");
        }
        Files.writeString(dir.resolve("descriptor.json"), descriptor);
    }

    private static List<String> ids(FolderModelRepository repo) {
        return repo.list().stream().map(ModelDescriptor::id).toList();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FolderModelRepositoryTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError(name + " is missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    @Test
    public void modelsAddedChangedAndRemovedWhileItRunsAreToldToListeners() throws Exception {
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), true));
        List<ModelChange> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        repo.listen(changes::add);
        byte[] encoder = resource("demo-models/text-encoder/1/model.onnx");
        Path mine = Files.createDirectories(root.resolve("mine/1"));
        Files.write(mine.resolve("model.onnx"), encoder);
        repo.refresh();
        assertEquals(List.of("mine:1"), changes.get(0).added().stream().map(ModelDescriptor::id).toList());
        assertTrue(repo.find("mine", null).isPresent());

        repo.refresh();
        assertEquals("an unchanged folder is no change", 1, changes.size());

        Files.write(mine.resolve("model.onnx"), resource("demo-models/image-classifier/1/model.onnx"));
        Files.setLastModifiedTime(mine.resolve("model.onnx"), java.nio.file.attribute.FileTime.fromMillis(1000));
        repo.refresh();
        assertEquals("a changed model.onnx is a new load", List.of("mine:1"),
                changes.get(1).replaced().stream().map(ModelDescriptor::id).toList());
        assertEquals("pixels", repo.find("mine", null).orElseThrow().inputs().get(0).name());

        Files.delete(mine.resolve("model.onnx"));
        Files.delete(mine);
        repo.refresh();
        assertEquals(List.of("mine:1"), changes.get(2).removed().stream().map(ModelDescriptor::id).toList());
        assertFalse(repo.find("mine", null).isPresent());
    }

    @Test
    public void unloadAndLoadByNameAndTheIndexSaysWhyAModelIsNotServed() throws Exception {
        FolderModelRepository repo = new FolderModelRepository(config(root.toString(), true));
        Path broken = Files.createDirectories(root.resolve("broken/2"));
        Files.writeString(broken.resolve("model.onnx"), "not an ONNX model");
        repo.refresh();

        ModelChange off = repo.unload("image-classifier");
        assertEquals(List.of("image-classifier:1"), off.removed().stream().map(ModelDescriptor::id).toList());
        assertFalse(repo.find("image-classifier", null).isPresent());
        assertTrue(Files.exists(root.resolve("image-classifier/1/model.onnx")));
        repo.refresh();
        assertFalse("unloaded until loaded again", repo.find("image-classifier", null).isPresent());

        List<ModelState> index = repo.index();
        assertEquals(new ModelState("image-classifier", "1", false, "unloaded"),
                index.stream().filter(m -> m.name().equals("image-classifier")).findFirst().orElseThrow());
        ModelState b = index.stream().filter(m -> m.name().equals("broken")).findFirst().orElseThrow();
        assertEquals("2", b.version());
        assertFalse(b.ready());
        assertTrue(b.reason(), b.reason().contains("is not an ONNX model"));
        assertTrue(index.stream().filter(m -> m.name().equals("text-encoder")).findFirst().orElseThrow().ready());

        ModelChange on = repo.load("image-classifier");
        assertEquals(List.of("image-classifier:1"), on.added().stream().map(ModelDescriptor::id).toList());
        assertTrue(repo.find("image-classifier", null).isPresent());

        List<ModelChange> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        repo.listen(told::add);
        ModelChange again = repo.reload("image-classifier");
        assertEquals("served, unchanged: loaded anew all the same", List.of("image-classifier:1"),
                again.replaced().stream().map(ModelDescriptor::id).toList());
        assertEquals(List.of(new ModelChange(List.of(), List.of(), again.replaced())), told);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> repo.load("broken"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("model 'broken' cannot be loaded: " + broken + ": "));
        e = assertThrows(IllegalArgumentException.class, () -> repo.load("nothing"));
        assertEquals("model 'nothing' cannot be loaded: the repository " + root + " has no folder "
                + "nothing/<version>/model.onnx", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> repo.unload("nothing"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("model 'nothing' is not served; served models: ["));
    }

    /** The configuration as SCR would pass it to the {@code @Activate} constructor. */
    private static RepositoryConfig config(String path, boolean installDemoModels) {
        return new RepositoryConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RepositoryConfig.class;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public boolean installDemoModels() {
                return installDemoModels;
            }

            @Override
            public int scanIntervalSeconds() {
                return 0; // the tests scan when they want to: refresh(), load, unload
            }

            @Override
            public long maxModelBytes() {
                return Integer.MAX_VALUE;
            }
        };
    }
}
