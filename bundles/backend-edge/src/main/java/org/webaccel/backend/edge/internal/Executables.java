package org.webaccel.backend.edge.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds executables the way a shell does: the first match in the PATH's folders, in order. */
final class Executables {

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private Executables() {
    }

    /**
     * @param searchPath folders separated by {@link File#pathSeparator}
     * @param names the names to look for, in order of preference (without {@code .exe})
     * @return the first executable file found
     */
    static Optional<Path> onPath(String searchPath, List<String> names) {
        for (String name : names) {
            for (String folder : searchPath.split(File.pathSeparator)) {
                if (folder.isBlank()) {
                    continue;
                }
                for (String candidate : WINDOWS ? List.of(name + ".exe", name) : List.of(name)) {
                    Optional<Path> found = executable(folder, candidate);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** @return why {@code path} cannot be run, or empty when it can */
    static Optional<String> problem(Path path) {
        if (!Files.exists(path)) {
            return Optional.of("does not exist");
        }
        if (Files.isDirectory(path) || !Files.isExecutable(path)) {
            return Optional.of("is not an executable file");
        }
        return Optional.empty();
    }

    /** @return the names joined for a message: {@code a (or b, c)} */
    static String describe(List<String> names) {
        List<String> others = new ArrayList<>(names.subList(1, names.size()));
        return names.get(0) + (others.isEmpty() ? "" : " (or " + String.join(", ", others) + ")");
    }

    private static Optional<Path> executable(String folder, String name) {
        try {
            Path path = Path.of(folder, name);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
