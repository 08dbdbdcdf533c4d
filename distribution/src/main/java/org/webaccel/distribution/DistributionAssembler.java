package org.webaccel.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lays out the runnable container from the features:
 *
 * <pre>
 * bin/webaccel        the start script
 * lib/                the Felix framework and the launcher
 * bundle/NNN-*.jar    every feature bundle; NNN is its start order, so the launcher starts them in name order
 * conf/               framework.properties, and one .config file per feature configuration (read by fileinstall)
 * deploy/             empty; fileinstall installs and uninstalls the bundles dropped here
 * data/               empty; the framework cache and the bundles' data
 * features/           the feature descriptors, for the shell to list
 * </pre>
 *
 * The static files (bin/, conf/framework.properties) come from a template folder.
 */
public final class DistributionAssembler {

    private final List<Feature> features;
    private final ResolvedArtifacts artifacts;

    /**
     * @param features  the features to deploy together
     * @param artifacts what Maven resolved for the distribution module
     */
    public DistributionAssembler(List<Feature> features, ResolvedArtifacts artifacts) {
        this.features = List.copyOf(features);
        this.artifacts = artifacts;
    }

    /**
     * Resolves every feature bundle to its file, all at once, so one build names every wrong entry.
     *
     * @return bundle file name in bundle/ (start order prefix included) to the resolved file, in start order
     * @throws AssemblyException if a bundle is not resolved, or two features name one artifact in two versions
     */
    public Map<String, Path> resolveBundles() throws AssemblyException {
        List<String> problems = new ArrayList<>();
        Map<String, FeatureBundle> byArtifact = new LinkedHashMap<>();
        for (Feature feature : features) {
            for (FeatureBundle bundle : feature.bundles()) {
                FeatureBundle earlier = byArtifact.putIfAbsent(bundle.coordinates().versionlessKey(), bundle);
                if (earlier != null && !earlier.coordinates().equals(bundle.coordinates())) {
                    problems.add(bundle.feature() + " names " + bundle.coordinates() + " but " + earlier.feature()
                            + " names " + earlier.coordinates() + ": a container holds one version");
                }
            }
        }
        // a stable sort keeps the feature order among bundles of one start order
        List<FeatureBundle> ordered = byArtifact.values().stream()
                .sorted(Comparator.comparingInt(FeatureBundle::startOrder)).toList();
        Map<String, Path> files = new LinkedHashMap<>();
        int position = 0;
        for (FeatureBundle bundle : ordered) {
            try {
                Path file = artifacts.fileOf(bundle.coordinates(), bundle.feature());
                // start order, then feature position: name order is start order, even for ties
                String name = String.format("%03d-%03d-%s", bundle.startOrder(), position++, file.getFileName());
                files.put(name, file);
            } catch (AssemblyException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new AssemblyException("the features name bundles that cannot be resolved:\n  - "
                    + String.join("\n  - ", problems));
        }
        return files;
    }

    /**
     * Writes the distribution, replacing what the output folder held.
     *
     * @param template      the folder with bin/webaccel and conf/framework.properties
     * @param featureFolder the folder the features were read from, copied to features/
     * @param libraries     the jars for lib/ (framework and launcher)
     * @param output        the distribution folder
     * @throws AssemblyException if a bundle cannot be resolved or a configuration cannot be written
     * @throws IOException       if writing fails
     */
    public void assemble(Path template, Path featureFolder, List<Path> libraries, Path output)
            throws AssemblyException, IOException {
        Map<String, Path> bundles = resolveBundles();
        Map<String, String> configurations = renderConfigurations();

        deleteRecursively(output);
        copyTree(template, output);
        Path script = output.resolve("bin/webaccel");
        if (!Files.isRegularFile(script)) {
            throw new AssemblyException("the template folder " + template + " has no bin/webaccel");
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path lib = Files.createDirectories(output.resolve("lib"));
        for (Path library : libraries) {
            Files.copy(library, lib.resolve(library.getFileName()));
        }
        Path bundleFolder = Files.createDirectories(output.resolve("bundle"));
        for (Map.Entry<String, Path> bundle : bundles.entrySet()) {
            Files.copy(bundle.getValue(), bundleFolder.resolve(bundle.getKey()));
        }
        Path conf = Files.createDirectories(output.resolve("conf"));
        for (Map.Entry<String, String> configuration : configurations.entrySet()) {
            Path file = conf.resolve(configuration.getKey());
            if (Files.exists(file)) {
                throw new AssemblyException("two configurations would both be written to conf/" + configuration.getKey());
            }
            Files.writeString(file, configuration.getValue(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(output.resolve("deploy"));
        Files.createDirectories(output.resolve("data"));
        Path featureCopy = Files.createDirectories(output.resolve("features"));
        for (Feature feature : features) {
            Files.copy(featureFolder.resolve(feature.file()), featureCopy.resolve(feature.file()));
        }
    }

    private Map<String, String> renderConfigurations() throws AssemblyException {
        Map<String, String> files = new LinkedHashMap<>();
        for (Feature feature : features) {
            for (Map.Entry<String, Map<String, Object>> configuration : feature.configurations().entrySet()) {
                try {
                    String name = ConfigurationFile.fileName(configuration.getKey());
                    if (files.put(name, ConfigurationFile.render(feature.file(), configuration.getKey(),
                            configuration.getValue())) != null) {
                        throw new AssemblyException(feature.file() + ": configuration " + configuration.getKey()
                                + " is also given by another feature");
                    }
                } catch (IllegalArgumentException e) {
                    throw new AssemblyException(feature.file() + ": configuration " + configuration.getKey()
                            + ": " + e.getMessage(), e);
                }
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            tree.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
