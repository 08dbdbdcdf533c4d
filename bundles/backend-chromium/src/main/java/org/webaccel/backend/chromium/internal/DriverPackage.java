package org.webaccel.backend.chromium.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks the Playwright driver's JavaScript ({@code driver/package/**} of the embedded driver jar) into a
 * folder that Playwright can use as a preinstalled driver.
 *
 * <p>Playwright's own unpacking (DriverJar) walks its resources as a file system, which works for
 * {@code file:} and {@code jar:} URLs but not for the {@code bundle:} URLs of an OSGi framework. Reading the
 * embedded jar as a stream works everywhere. The folder is named after the jar's digest, so a new
 * Playwright version gets a new folder and an unpacked folder is never changed again.
 */
final class DriverPackage {

    /** Where the bnd instructions put the driver jar inside this bundle. */
    static final String RESOURCE = "/playwright/driver.jar";
    private static final String PREFIX = "driver/";
    private static final String COMPLETE = ".complete";

    private final Path root;

    /** @param root the folder that holds unpacked drivers */
    DriverPackage(Path root) {
        this.root = root;
    }

    /**
     * Unpacks the driver unless an earlier run did.
     *
     * @return the driver folder, holding {@code package/cli.js}
     * @throws IOException when the jar is missing or the folder cannot be written
     */
    Path install() throws IOException {
        Files.createDirectories(root);
        Path jar = Files.createTempFile(root, "driver-", ".jar");
        try {
            Path target = root.resolve("playwright-driver-" + copyResource(jar));
            if (isComplete(target)) {
                return target;
            }
            // Half there (files deleted under it): start afresh.
            deleteTree(target);
            Path staging = Files.createTempDirectory(root, ".unpacking-");
            try {
                unzip(jar, staging);
                Files.createFile(staging.resolve(COMPLETE));
                moveIntoPlace(staging, target);
            } finally {
                deleteTree(staging);
            }
            return target;
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    /**
     * @param folder a folder {@link #install()} returned
     * @return whether it still holds the whole driver: the mark of a finished unpacking and the driver's entry point
     */
    boolean isComplete(Path folder) {
        return Files.exists(folder.resolve(COMPLETE)) && Files.isRegularFile(folder.resolve("package").resolve("cli.js"));
    }

    /** @return the first 16 hex digits of the jar's SHA-256 */
    private static String copyResource(Path jar) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (InputStream in = DriverPackage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the bundle lacks the Playwright driver resource " + RESOURCE);
            }
            Files.copy(new DigestInputStream(in, digest), jar, StandardCopyOption.REPLACE_EXISTING);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static void unzip(Path jar, Path into) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null;) {
                if (!entry.getName().startsWith(PREFIX) || entry.getName().length() == PREFIX.length()) {
                    continue;
                }
                Path target = into.resolve(entry.getName().substring(PREFIX.length())).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("driver jar entry escapes its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
        if (!Files.isRegularFile(into.resolve("package").resolve("cli.js"))) {
            throw new IOException("the embedded driver jar has no driver/package/cli.js");
        }
    }

    /** A concurrent unpacker (another framework sharing the folder) may win the race; its copy is as good. */
    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            if (!Files.exists(target.resolve(COMPLETE))) {
                throw new IOException("a half-unpacked driver folder is in the way: " + target, e);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move the unpacked driver into place in " + target.getParent(), e);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
