package org.webaccel.harness.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a running container from outside, as an operator would: the JVM's live heap after a forced full
 * collection ({@code jcmd}), and the proportional memory (PSS) of the processes the container reports as its
 * browsers, with their helpers.
 */
final class ContainerProbe {
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)", Pattern.MULTILINE);
    private static final Pattern PSS = Pattern.compile("^Pss:\\s+(\\d+) kB", Pattern.MULTILINE);

    private final long pid;
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    ContainerProbe(long pid) {
        this.pid = pid;
    }

    /**
     * @return the bytes of the objects alive in the container's heap, as the class histogram counts them
     *         after the full collection it forces (unlike the heap's "used" figure read afterwards, this leaves
     *         out what a busy container allocates in between)
     */
    long liveHeapAfterGc() throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        Matcher m = TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new AssertionError("no total in jcmd GC.class_histogram: "
                    + histogram.substring(Math.max(0, histogram.length() - 500)));
        }
        return Long.parseLong(m.group(1));
    }

    /** @return the classes holding the most live bytes now (after a full collection), largest first */
    List<String> topClasses(int n) throws IOException, InterruptedException {
        List<String> top = new ArrayList<>();
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":") && top.size() < n) {
                top.add(f[3] + " " + Long.parseLong(f[2]) / 1024 + " KiB in " + f[1]);
            }
        }
        return top;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    /**
     * @param browserPids the browsers' main processes, as the pool reports them
     * @return the PSS of those processes and all their descendants, in bytes
     */
    static long browsersPss(List<Long> browserPids) {
        Set<Long> all = new LinkedHashSet<>();
        for (long pid : browserPids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                all.add(p.pid());
                p.descendants().forEach(d -> all.add(d.pid()));
            });
        }
        long kib = 0;
        for (long p : all) {
            try {
                Matcher m = PSS.matcher(Files.readString(Path.of("/proc", Long.toString(p), "smaps_rollup")));
                if (m.find()) {
                    kib += Long.parseLong(m.group(1));
                }
            } catch (IOException gone) {
                // a helper that ended between the listing and the read
            }
        }
        return kib * 1024;
    }

    /** @return the process ids below the container now */
    List<Long> descendants() {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }
}
