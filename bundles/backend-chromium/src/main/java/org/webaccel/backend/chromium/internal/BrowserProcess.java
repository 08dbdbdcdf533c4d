package org.webaccel.backend.chromium.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds a browser's operating-system process among this JVM's descendants and ends what is left of it.
 *
 * <p>Playwright does not tell the browser's process id. Each launch passes a switch that Chromium ignores
 * but that appears in the browser process's command line, so concurrent launches in one JVM cannot be
 * mistaken for each other. Chromium's helper processes (renderer, GPU, ...) carry {@code --type=}.
 */
final class BrowserProcess {

    private static final String MARKER_PREFIX = "--webaccel-browser=";

    private BrowserProcess() {
    }

    /** @return a fresh switch that names one browser */
    static String newMarker() {
        return MARKER_PREFIX + UUID.randomUUID();
    }

    /**
     * @param marker the switch passed to the browser
     * @return the browser's main process, while it runs
     */
    static Optional<ProcessHandle> find(String marker) {
        return ProcessHandle.current().descendants().filter(process -> {
            List<String> arguments = arguments(process);
            return arguments.contains(marker) && arguments.stream().noneMatch(a -> a.startsWith("--type="));
        }).findFirst();
    }

    /**
     * Kills a process and its descendants unless they are gone already, waiting a moment for each.
     *
     * @param process the process
     * @param wait how long to wait for each process to go
     * @return whether anything had to be killed
     */
    static boolean killTree(ProcessHandle process, Duration wait) {
        List<ProcessHandle> tree = process.descendants().toList();
        boolean killed = kill(process, wait);
        for (ProcessHandle child : tree) {
            killed |= kill(child, wait);
        }
        return killed;
    }

    private static boolean kill(ProcessHandle process, Duration wait) {
        if (!process.isAlive()) {
            return false;
        }
        process.destroyForcibly();
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // still reported as killed: the signal was sent, the kernel finishes it
        }
        return true;
    }

    private static List<String> arguments(ProcessHandle process) {
        return process.info().arguments().map(Arrays::asList).orElse(List.of());
    }
}
