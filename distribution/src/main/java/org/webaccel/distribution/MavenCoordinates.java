package org.webaccel.distribution;

import java.util.Objects;

/**
 * The Maven coordinates of one artifact, as the OSGi Feature format writes a bundle id:
 * {@code groupId:artifactId[:type[:classifier]]:version}.
 *
 * @param groupId    the group id
 * @param artifactId the artifact id
 * @param type       the type, {@code jar} unless the id names another
 * @param classifier the classifier, empty for none
 * @param version    the version, literal (no property placeholders)
 */
public record MavenCoordinates(String groupId, String artifactId, String type, String classifier, String version) {

    /** Checks that every part is present; {@code type} and {@code classifier} may be defaulted by the caller. */
    public MavenCoordinates {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Parses a feature bundle id.
     *
     * @param id {@code g:a:v}, {@code g:a:type:v} or {@code g:a:type:classifier:v}
     * @return the coordinates
     * @throws IllegalArgumentException if the id has another shape, an empty part, or a
     *                                  {@code ${...}} placeholder (features hold literal versions)
     */
    public static MavenCoordinates parse(String id) {
        String[] parts = id.split(":", -1);
        for (String part : parts) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("'" + id + "' has an empty part");
            }
        }
        if (id.contains("${")) {
            // the assembler resolves no Maven properties: a placeholder would silently never match
            throw new IllegalArgumentException("'" + id + "' holds a placeholder; write the literal version");
        }
        return switch (parts.length) {
            case 3 -> new MavenCoordinates(parts[0], parts[1], "jar", "", parts[2]);
            case 4 -> new MavenCoordinates(parts[0], parts[1], parts[2], "", parts[3]);
            case 5 -> new MavenCoordinates(parts[0], parts[1], parts[2], parts[3], parts[4]);
            default -> throw new IllegalArgumentException(
                    "'" + id + "' is not groupId:artifactId[:type[:classifier]]:version");
        };
    }

    /** @return the coordinates without the version, to find what the build resolved instead */
    public String versionlessKey() {
        return groupId + ":" + artifactId + ":" + type + (classifier.isEmpty() ? "" : ":" + classifier);
    }

    /** @return {@code groupId:artifactId:version}, plus type and classifier where they are not the default */
    @Override
    public String toString() {
        if (type.equals("jar") && classifier.isEmpty()) {
            return groupId + ":" + artifactId + ":" + version;
        }
        return versionlessKey() + ":" + version;
    }
}
