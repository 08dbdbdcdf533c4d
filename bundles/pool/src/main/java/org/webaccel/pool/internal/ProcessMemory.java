package org.webaccel.pool.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Resident memory of a process tree, read from /proc (Linux). */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** @return the summed VmRSS of the process and its descendants in bytes, or empty where /proc has none */
    static OptionalLong residentBytes(long pid) {
        var root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return OptionalLong.empty();
        }
        long total = rss(pid);
        if (total < 0) {
            return OptionalLong.empty();
        }
        total += root.get().descendants().mapToLong(p -> Math.max(0, rss(p.pid()))).sum();
        return OptionalLong.of(total);
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The process ended between listing and reading, or there is no /proc: nothing to add.
        }
        return -1;
    }
}
