package org.webaccel.models.internal.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.models.internal.demo.DemoModelWriter;
import org.webaccel.models.internal.descriptor.DescriptorFormat;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;
import org.webaccel.models.internal.graph.ExternalDataFiles;
import org.webaccel.models.internal.graph.GraphSignature;
import org.webaccel.models.internal.graph.PageSizeLimit;
import org.webaccel.models.internal.graph.OperatorSets;

/**
 * Reads a repository folder laid out as {@code <root>/<name>/<version>/model.onnx}, with an optional
 * {@code descriptor.json} beside the model that adds what its graph cannot say ({@link GraphSignature},
 * {@link DescriptorFormat#readOver}), and external data files beside it that its graph refers to
 * ({@link ExternalDataFiles}), all within the page's size limit ({@link PageSizeLimit}).
 * A folder that breaks the layout becomes a {@link SkippedModel} with the reason, so one bad model never
 * hides the good ones. Hidden folders (a leading dot) are ignored: installs in progress live there. A folder
 * is read again only when the size or modification time of one of its files changed. Not thread-safe: the
 * repository scans on one thread.
 */
final class ModelFolderScanner {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final DescriptorFormat format = new DescriptorFormat();
    private final PageSizeLimit limit;
    /** What each version folder gave at its revision: read again only when its files change. */
    private final Map<Path, Object> byRevision = new HashMap<>();
    private final Map<Path, String> revisions = new HashMap<>();

    /** A scanner with the default page size limit. */
    ModelFolderScanner() {
        this(new PageSizeLimit(PageSizeLimit.DEFAULT, "the default"));
    }

    /** @param limit the most bytes a model may have with its external data */
    ModelFolderScanner(PageSizeLimit limit) {
        this.limit = limit;
    }

    Catalog scan(Path root) {
        List<StoredModel> models = new ArrayList<>();
        List<SkippedModel> skipped = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        if (!Files.isDirectory(root)) {
            return new Catalog(models, skipped);
        }
        for (Path nameDir : subfolders(root, skipped)) {
            List<Path> versions = subfolders(nameDir, skipped);
            if (versions.isEmpty()) {
                skipped.add(new SkippedModel(nameDir, "holds no version folder; expected "
                        + nameDir.getFileName() + "/<version>/model.onnx"));
            }
            for (Path versionDir : versions) {
                seen.add(versionDir);
                String revision = revision(versionDir);
                if (!revision.equals(revisions.get(versionDir))) {
                    revisions.put(versionDir, revision);
                    byRevision.put(versionDir, read(versionDir, revision));
                }
                Object result = byRevision.get(versionDir);
                if (result instanceof StoredModel m) {
                    models.add(m);
                } else {
                    skipped.add((SkippedModel) result);
                }
            }
        }
        revisions.keySet().retainAll(seen);
        byRevision.keySet().retainAll(seen);
        return new Catalog(models, skipped);
    }

    private Object read(Path versionDir, String revision) {
        try {
            return load(versionDir, revision);
        } catch (InvalidDescriptorException e) {
            return new SkippedModel(versionDir, e.getMessage());
        }
    }

    /**
     * @return the names, sizes and modification times of the folder's files: they change when any file does,
     *         model.onnx, descriptor.json or an external data file (which files those are is known only once
     *         the folder is read, and a missing one may appear later)
     */
    private static String revision(Path folder) {
        StringBuilder r = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        r.append(file.getFileName()).append('=').append(a.size()).append('@')
                                .append(a.lastModifiedTime().toMillis()).append(';');
                    }
                } catch (IOException e) {
                    r.append(file.getFileName()).append("=none;");
                }
            }
        } catch (IOException e) {
            r.append("unlisted: ").append(e);
        }
        return r.toString();
    }

    private StoredModel load(Path folder, String revision) throws InvalidDescriptorException {
        Path descriptorFile = folder.resolve(DemoModelWriter.DESCRIPTOR_FILE);
        Path modelFile = folder.resolve(DemoModelWriter.MODEL_FILE);
        String folderName = folder.getParent().getFileName().toString();
        String folderVersion = folder.getFileName().toString();
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
        for (String part : List.of(folderName, folderVersion)) {
            if (!SAFE_NAME.matcher(part).matches()) {
                throw new InvalidDescriptorException(folder.toString(), "folder name '" + part + "' may only hold "
                        + "letters, digits, '.', '_' and '-', and must start with a letter or digit");
            }
        }
        GraphSignature graph = GraphSignature.read(modelFile);
        List<String> externalData = ExternalDataFiles.check(modelFile, graph.externalTensors());
        limit.check(modelFile, externalData);
        OperatorSets.check(modelFile);
        Map<String, Long> ones = new LinkedHashMap<>();
        graph.inputs().forEach(in -> in.shape().stream().filter(Dim::isSymbolic).forEach(d -> ones.put(d.symbol(), 1L)));
        ModelDescriptor fromGraph = new ModelDescriptor(folderName, folderVersion, ModelType.UNKNOWN, "",
                graph.inputs(), graph.outputs(), ones, null, externalData);
        if (!Files.isRegularFile(descriptorFile)) {
            return new StoredModel(fromGraph, modelFile, revision);
        }
        ModelDescriptor d = format.readOver(descriptorFile, fromGraph, modelFile).withExternalData(externalData);
        if (!d.name().equals(folderName)) {
            throw new InvalidDescriptorException(descriptorFile.toString(), "name: '" + d.name()
                    + "' differs from the folder name '" + folderName + "'; rename one of them");
        }
        if (!d.version().equals(folderVersion)) {
            throw new InvalidDescriptorException(descriptorFile.toString(), "version: '" + d.version()
                    + "' differs from the folder name '" + folderVersion + "'; rename one of them");
        }
        return new StoredModel(d, modelFile, revision);
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
