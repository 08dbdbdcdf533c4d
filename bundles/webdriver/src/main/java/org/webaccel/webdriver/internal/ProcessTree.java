package org.webaccel.webdriver.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the browser a local driver started, and ends processes that outlive their session.
 *
 * <p>Drivers do not tell which process is the browser (chromedriver's {@code goog:processID} is
 * Chrome-only). Each local launch therefore passes a switch the browser ignores but keeps in its command
 * line; the browser's main process is the one with that switch and without Chromium's {@code --type=}
 * (which its helper processes carry), and its parent is the driver.
 */
final class ProcessTree {

    private static final String MARKER = "--webaccel-session=";

    private ProcessTree() {
    }

    /** @return a fresh switch naming one browser */
    static String newMarker() {
        return MARKER + UUID.randomUUID();
    }

    /** @return the browser's main process among this JVM's descendants, while it runs */
    static Optional<ProcessHandle> browserWith(String marker) {
        return ProcessHandle.current().descendants().filter(p -> {
            List<String> arguments = p.info().arguments().map(Arrays::asList).orElse(List.of());
            return arguments.contains(marker) && arguments.stream().noneMatch(a -> a.startsWith("--type="));
        }).findFirst();
    }

    /**
     * Kills each process and its descendants that still run, waiting up to {@code wait} for each.
     *
     * @return the ids of the processes that had to be killed
     */
    static List<Long> kill(List<ProcessHandle> roots, Duration wait) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            // descendants first listed, then killed: once the root dies they would be orphaned and lost
            all.add(root);
            root.descendants().forEach(all::add);
        }
        List<Long> killed = new ArrayList<>();
        for (ProcessHandle process : all) {
            if (process.isAlive() && process.destroyForcibly()) {
                killed.add(process.pid());
            }
        }
        for (ProcessHandle process : all) {
            try {
                process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                // the signal was sent; the kernel finishes the job
            }
        }
        return killed;
    }
}
