package org.webaccel.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds processes the way the product does: by the marker switch a launch passed, or below the process id a
 * backend reported. Never by a program's name or path: those change with the browsers' packaging (Debian's
 * chromium moved its chromedriver under /usr/lib/chromium), a switch we passed does not.
 */
public final class Processes {

    /** Chromium marks each helper process (renderer, GPU, utility, zygote) with this switch; its main process has none. */
    public static final String CHROMIUM_HELPER_SWITCH = "--type=";

    private Processes() {
    }

    /**
     * @return the process's arguments, program first, or an empty list once it has gone. Chromium's helpers
     *         rewrite their command line as one string, which is split on spaces here.
     */
    public static List<String> arguments(ProcessHandle process) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        } catch (IOException e) {
            return List.of();
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.endsWith("\0")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split("\0", -1);
        if (parts.length == 1) {
            parts = parts[0].split(" ");
        }
        return Arrays.asList(parts);
    }

    /** @return whether one of the process's arguments starts with {@code prefix} */
    public static boolean hasArgument(ProcessHandle process, String prefix) {
        return arguments(process).stream().anyMatch(a -> a.startsWith(prefix));
    }

    /**
     * @param root the process under which to look (a Grid, a driver, this JVM)
     * @param marker a switch the launch passed to the browser (or its prefix)
     * @return the browsers' main processes below {@code root} that carry {@code marker}: without Chromium's
     *         helper switch, so each browser counts once
     */
    public static List<ProcessHandle> browsersCarrying(ProcessHandle root, String marker) {
        return root.descendants().filter(p -> {
            List<String> arguments = arguments(p);
            return arguments.stream().anyMatch(a -> a.startsWith(marker))
                    && arguments.stream().noneMatch(a -> a.startsWith(CHROMIUM_HELPER_SWITCH));
        }).toList();
    }

    /**
     * @param browser a Chromium main process, by the process id its backend reported
     * @param type a helper type Chromium passes as {@code --type=TYPE}, e.g. {@code renderer}
     * @return that browser's helpers of that type
     */
    public static List<ProcessHandle> chromiumHelpers(ProcessHandle browser, String type) {
        String wanted = CHROMIUM_HELPER_SWITCH + type;
        return browser.descendants().filter(p -> arguments(p).contains(wanted)).toList();
    }

    /**
     * @return whether the process still runs: alive and not a zombie (a process that has exited but that its
     *         parent, or the init process that inherited it, has not reaped yet)
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return this JVM's descendants, as a stream */
    public static Stream<ProcessHandle> ours() {
        return ProcessHandle.current().descendants();
    }

    /**
     * @return the processor time (user + system, in clock ticks) the process has used so far, or -1 once it
     *         has gone
     */
    public static long cpuTicks(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces: state is the first
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
