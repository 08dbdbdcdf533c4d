package org.webaccel.models.internal.repository;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.webaccel.models.internal.demo.DemoModelWriter;

/**
 * Copies the demo models the build put in the bundle ({@code demo-models/}) into a repository folder,
 * each only when its {@code <name>/<version>} folder is absent: a folder that exists belongs to the
 * user, who may have edited or replaced it, and is never touched.
 */
final class DemoModelInstaller {
    static final String RESOURCE_ROOT = "demo-models/";

    private final ClassLoader resources;

    /** @param resources the loader that sees the bundle's own {@code demo-models/} entries */
    DemoModelInstaller(ClassLoader resources) {
        this.resources = resources;
    }

    /** @return {@code name/version} of each demo model the bundle carries, empty when it carries none */
    List<String> available() throws IOException {
        List<String> ids = new ArrayList<>();
        try (InputStream in = resources.getResourceAsStream(RESOURCE_ROOT + DemoModelWriter.INDEX)) {
            if (in == null) {
                return ids;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    ids.add(line.trim());
                }
            }
        }
        return ids;
    }

    /**
     * @param root the repository folder, created when missing
     * @return {@code name/version} of each model copied; models already present are not listed
     * @throws IOException when the folder cannot be written or a bundle resource is missing
     */
    List<String> install(Path root) throws IOException {
        List<String> installed = new ArrayList<>();
        for (String id : available()) {
            Path target = root.resolve(id);
            if (Files.exists(target)) {
                continue;
            }
            if (installOne(id, target)) {
                installed.add(id);
            }
        }
        return installed;
    }

    /**
     * Copies into a hidden sibling folder and renames it into place, so an interrupted copy never leaves
     * a half-written model folder that would then count as the user's and never be repaired.
     */
    private boolean installOne(String id, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), ".installing-" + target.getFileName() + "-");
        try {
            for (String file : List.of(DemoModelWriter.MODEL_FILE, DemoModelWriter.DESCRIPTOR_FILE)) {
                String resource = RESOURCE_ROOT + id + "/" + file;
                try (InputStream in = resources.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("bundle resource " + resource + " is missing; the build did not "
                                + "write the demo models completely");
                    }
                    Files.copy(in, staging.resolve(file));
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (FileAlreadyExistsException e) {
                // someone created the folder meanwhile: theirs wins
                return false;
            }
        } finally {
            deleteQuietly(staging);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover hidden folder is ignored by scans, so it is harmless
        }
    }
}
