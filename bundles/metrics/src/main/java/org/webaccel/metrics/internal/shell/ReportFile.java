package org.webaccel.metrics.internal.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where {@code pool:report --out} writes. The path is checked before the report is made, and the report goes
 * to a temporary file beside the target that is then moved over it, so a refused or failed write leaves
 * nothing behind and an existing file either stays as it was or is replaced whole.
 */
final class ReportFile {
    private final Path target;

    private ReportFile(Path target) {
        this.target = target;
    }

    /**
     * @param out what {@code --out} was given; a relative path is resolved against the container's working
     *        folder
     * @return the checked target
     * @throws IllegalArgumentException when the path is a folder, its folder does not exist, or either cannot
     *         be written
     */
    static ReportFile of(String out) {
        if (out.isBlank()) {
            throw new IllegalArgumentException("--out expects a file name; got an empty one");
        }
        Path p;
        try {
            p = Path.of(out.trim()).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("--out '" + out + "' is not a valid path: " + e.getReason());
        }
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException("--out " + p + " is a folder; give a file name in it");
        }
        Path folder = p.getParent();
        if (folder != null && Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--out " + p + ": " + folder + " is a file, not a folder");
        }
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--out " + p + ": folder " + folder + " does not exist");
        }
        if (!Files.isWritable(folder)) {
            throw new IllegalArgumentException("--out " + p + ": folder " + folder + " is not writable");
        }
        if (Files.exists(p) && !Files.isWritable(p)) {
            throw new IllegalArgumentException("--out " + p + " exists and is not writable");
        }
        return new ReportFile(p);
    }

    Path path() {
        return target;
    }

    /**
     * @param text the report
     * @return the bytes written
     * @throws IllegalStateException when the write fails; nothing is left behind
     */
    long write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return bytes.length;
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("--out " + target + " is not writable: " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("writing the report to " + target + " failed: " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the move took it, or the folder went away: nothing more to clean
                }
            }
        }
    }
}
