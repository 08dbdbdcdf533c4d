package org.webaccel.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The artifacts Maven resolved for the distribution module, read from the file that
 * {@code maven-dependency-plugin:list} writes with {@code outputAbsoluteArtifactFilename}. Resolving through
 * Maven, rather than guessing paths in the local repository, gives the reactor's own
 * {@code target/*.jar} in a reactor build and the repository's copy otherwise.
 */
public final class ResolvedArtifacts {

    // "   g:a:type[:classifier]:version:scope:/abs/path.jar -- module name [auto]"; the module note is optional
    private static final Pattern LINE = Pattern.compile(
            "^\\s*([^:\\s]+):([^:\\s]+):([^:\\s]+)(?::([^:\\s]+))?:([^:\\s]+)"
                    + ":(?:compile|runtime|provided|system|test):(.+?)(?:\\s+--\\s+module\\s.*)?$");

    // Maven colours its console, and with it this file, when it runs in a terminal without -B
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;]*m");

    private final Map<MavenCoordinates, Path> files;

    private ResolvedArtifacts(Map<MavenCoordinates, Path> files) {
        this.files = files;
    }

    /**
     * Reads a dependency list file.
     *
     * @param listFile the file written by {@code dependency:list}
     * @return the resolved artifacts
     * @throws AssemblyException if the file cannot be read
     */
    public static ResolvedArtifacts read(Path listFile) throws AssemblyException {
        try {
            return parse(Files.readAllLines(listFile));
        } catch (IOException e) {
            throw new AssemblyException("cannot read the resolved dependency list " + listFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the lines of a dependency list; lines that name no artifact (the header, blank lines) are skipped,
     * and colour escapes are ignored.
     *
     * @param lines the lines
     * @return the resolved artifacts
     */
    public static ResolvedArtifacts parse(List<String> lines) {
        Map<MavenCoordinates, Path> files = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(ANSI_ESCAPE.matcher(line).replaceAll(""));
            if (m.matches()) {
                String classifier = m.group(4) == null ? "" : m.group(4);
                files.put(new MavenCoordinates(m.group(1), m.group(2), m.group(3), classifier, m.group(5)),
                        Path.of(m.group(6).trim()));
            }
        }
        return new ResolvedArtifacts(files);
    }

    /**
     * Finds the file of an artifact.
     *
     * @param wanted the coordinates a feature names
     * @param feature the feature's file name, for the message
     * @return the file, which exists
     * @throws AssemblyException if Maven resolved no such artifact: the message says whether the version
     *                           differs from the build's (the root pom's) or the artifact is no dependency at all
     */
    public Path fileOf(MavenCoordinates wanted, String feature) throws AssemblyException {
        Path file = files.get(wanted);
        if (file == null) {
            List<String> otherVersions = files.keySet().stream()
                    .filter(c -> c.versionlessKey().equals(wanted.versionlessKey()))
                    .map(MavenCoordinates::version)
                    .toList();
            if (!otherVersions.isEmpty()) {
                throw new AssemblyException(feature + " names " + wanted + " but the build resolves version "
                        + String.join(", ", otherVersions) + " (pinned in the root pom.xml): make the feature's "
                        + "version match the pom's");
            }
            throw new AssemblyException(feature + " names " + wanted + ", which Maven did not resolve: declare it "
                    + "as a dependency in distribution/pom.xml (its version managed by the root pom.xml)");
        }
        if (!Files.isRegularFile(file)) {
            throw new AssemblyException(feature + " names " + wanted + ", resolved to " + file
                    + ", which is not a file (was the module packaged?)");
        }
        return file;
    }

    /**
     * Finds the one resolved artifact with a group and artifact id, whatever its version: for the framework,
     * whose version only the pom names.
     *
     * @param groupId    the group id
     * @param artifactId the artifact id
     * @return the file
     * @throws AssemblyException if there is none
     */
    public Path fileOf(String groupId, String artifactId) throws AssemblyException {
        return files.entrySet().stream()
                .filter(e -> e.getKey().groupId().equals(groupId) && e.getKey().artifactId().equals(artifactId))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssemblyException(groupId + ":" + artifactId
                        + " is not a dependency of the distribution module"));
    }
}
