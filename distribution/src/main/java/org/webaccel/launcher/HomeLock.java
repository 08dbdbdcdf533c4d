package org.webaccel.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One container per home folder: the container holds a lock on {@code data/webaccel.lock} for as long as it
 * runs, and writes its process id and start time beside it. The operating system releases the lock when the
 * process ends, however it ends, so a lock file left behind by a killed container means nothing.
 */
final class HomeLock implements AutoCloseable {

    /** What the running container wrote: its process id and when it started. */
    record Holder(long pid, Instant started) {
    }

    private final FileChannel channel;
    private final FileLock lock;
    private final Path pidFile;

    private HomeLock(FileChannel channel, FileLock lock, Path pidFile) {
        this.channel = channel;
        this.lock = lock;
        this.pidFile = pidFile;
    }

    /**
     * @return the lock, or empty when another container holds it
     * @throws IOException when the data folder cannot be written
     */
    static Optional<HomeLock> take(Path home) throws IOException {
        Path data = Files.createDirectories(home.resolve("data"));
        FileChannel channel = FileChannel.open(data.resolve("webaccel.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        Path pidFile = data.resolve("webaccel.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + " " + Instant.now() + "\n", StandardCharsets.UTF_8);
        return Optional.of(new HomeLock(channel, lock, pidFile));
    }

    /** @return the container that holds the home's lock now, if one does */
    static Optional<Holder> holder(Path home) throws IOException {
        Path data = home.resolve("data");
        if (!Files.exists(data.resolve("webaccel.lock"))) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(data.resolve("webaccel.lock"), StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                probe = null; // this very JVM holds it
            }
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
        }
        try {
            String[] parts = Files.readString(data.resolve("webaccel.pid"), StandardCharsets.UTF_8).trim().split(" ");
            return Optional.of(new Holder(Long.parseLong(parts[0]), Instant.parse(parts[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Holder(-1, Instant.EPOCH));
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(pidFile);
        lock.release();
        channel.close();
    }
}
