package org.webaccel.models.internal.repository;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.ModelDescriptor;

public class RepositoryAddTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private FolderModelRepository repository() {
        return new FolderModelRepository(tmp.getRoot().toPath().resolve("models"), true,
                FolderModelRepository.class.getClassLoader());
    }

    private static ModelDescriptor renamed(ModelDescriptor d, String name) {
        return new ModelDescriptor(name, d.version(), d.type(), "copy", d.inputs(), d.outputs(), d.exampleDims());
    }

    @Test
    public void anAddedModelIsFoundWithItsBytesAndSurvivesARescan() throws Exception {
        FolderModelRepository repo = repository();
        ModelDescriptor source = repo.find("image-classifier", null).orElseThrow();
        byte[] onnx = Files.readAllBytes(repo.modelFile(source));

        ModelDescriptor added = repo.add(renamed(source, "image-classifier-copy"), onnx);

        assertEquals("image-classifier-copy:1", added.id());
        assertArrayEquals(onnx, Files.readAllBytes(repo.modelFile(added)));
        assertEquals(source.inputs().toString(), added.inputs().toString());
        assertTrue(repository().find("image-classifier-copy", "1").isPresent());
        try (Stream<Path> files = Files.list(repo.root().resolve("image-classifier-copy"))) {
            assertEquals("no staging folder is left", List.of("1"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    public void anExistingModelOrABadNameIsRefusedAndNothingIsWritten() throws Exception {
        FolderModelRepository repo = repository();
        ModelDescriptor source = repo.find("text-encoder", null).orElseThrow();
        byte[] onnx = Files.readAllBytes(repo.modelFile(source));
        try {
            repo.add(source, new byte[] {1, 2, 3});
            fail("an existing model was replaced");
        } catch (IllegalArgumentException e) {
            assertEquals("model 'text-encoder:1' already exists in " + repo.root(), e.getMessage());
        }
        assertArrayEquals(onnx, Files.readAllBytes(repo.modelFile(source)));
        try {
            repo.add(renamed(source, "bad/name"), onnx);
            fail("a name with a slash was taken");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("name"));
        }
        try {
            repo.add(renamed(source, "empty"), new byte[0]);
            fail("an empty model was taken");
        } catch (IllegalArgumentException e) {
            assertEquals("model 'empty:1': the ONNX file is empty", e.getMessage());
        }
        assertFalse(Files.exists(repo.root().resolve("bad")));
        assertFalse(Files.exists(repo.root().resolve("empty")));
        assertEquals(5, repo.list().size());
    }
}
