package org.webaccel.models.internal.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.models.internal.demo.DemoModelWriter;
import org.webaccel.models.internal.descriptor.DescriptorFormat;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;

/**
 * Reads a repository folder laid out as {@code <root>/<name>/<version>/{model.onnx, descriptor.json}}.
 * A folder that breaks the layout becomes a {@link SkippedModel} with the reason, so one bad model never
 * hides the good ones. Hidden folders (a leading dot) are ignored: installs in progress live there.
 */
final class ModelFolderScanner {
    private final DescriptorFormat format = new DescriptorFormat();

    Catalog scan(Path root) {
        List<StoredModel> models = new ArrayList<>();
        List<SkippedModel> skipped = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Catalog(models, skipped);
        }
        for (Path nameDir : subfolders(root, skipped)) {
            List<Path> versions = subfolders(nameDir, skipped);
            if (versions.isEmpty()) {
                skipped.add(new SkippedModel(nameDir, "holds no version folder; expected "
                        + nameDir.getFileName() + "/<version>/{model.onnx, descriptor.json}"));
            }
            for (Path versionDir : versions) {
                try {
                    models.add(load(versionDir));
                } catch (InvalidDescriptorException e) {
                    skipped.add(new SkippedModel(versionDir, e.getMessage()));
                }
            }
        }
        return new Catalog(models, skipped);
    }

    private StoredModel load(Path folder) throws InvalidDescriptorException {
        Path descriptorFile = folder.resolve(DemoModelWriter.DESCRIPTOR_FILE);
        Path modelFile = folder.resolve(DemoModelWriter.MODEL_FILE);
        if (!Files.isRegularFile(descriptorFile)) {
            throw new InvalidDescriptorException(descriptorFile.toString(), "file is missing");
        }
        ModelDescriptor d = format.read(descriptorFile);
        String folderName = folder.getParent().getFileName().toString();
        String folderVersion = folder.getFileName().toString();
        if (!d.name().equals(folderName)) {
            throw new InvalidDescriptorException(descriptorFile.toString(), "name: '" + d.name()
                    + "' differs from the folder name '" + folderName + "'; rename one of them");
        }
        if (!d.version().equals(folderVersion)) {
            throw new InvalidDescriptorException(descriptorFile.toString(), "version: '" + d.version()
                    + "' differs from the folder name '" + folderVersion + "'; rename one of them");
        }
        try {
            if (!Files.isRegularFile(modelFile)) {
                throw new InvalidDescriptorException(modelFile.toString(), "file is missing");
            }
            if (Files.size(modelFile) == 0) {
                throw new InvalidDescriptorException(modelFile.toString(), "file is empty");
            }
        } catch (IOException e) {
            throw new InvalidDescriptorException(modelFile.toString(), "cannot be read: " + e);
        }
        return new StoredModel(d, modelFile);
    }

    /** Visible subfolders in name order, so scans and logs are stable. */
    private static List<Path> subfolders(Path dir, List<SkippedModel> skipped) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            skipped.add(new SkippedModel(dir, "cannot be listed: " + e));
            return List.of();
        }
    }
}
