package org.webaccel.scheduler.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a browser's process tree, read from /proc on Linux, as the pool measures it. */
final class BrowserMemory {
    private BrowserMemory() {
    }

    /** @return the summed VmRSS of the process and its descendants in bytes, or -1 when it cannot be read */
    static long residentBytes(long pid) {
        if (pid <= 0) {
            return -1;
        }
        var root = ProcessHandle.of(pid);
        long own = root.isEmpty() ? -1 : vmRss(pid);
        if (own < 0) {
            return -1;
        }
        return own + root.get().descendants().mapToLong(p -> Math.max(0, vmRss(p.pid()))).sum();
    }

    private static long vmRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended while we read, or there is no /proc here: unknown
        }
        return -1;
    }
}
