package org.webaccel.backend.support;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ends whatever is left of a browser: its processes and everything they started.
 *
 * <p>A browser or driver that hangs, or that the driver lost, must not outlive its close. Killing is the
 * last step of every close; processes already gone are left alone.
 */
public final class ProcessTree {

    private static final System.Logger LOG = System.getLogger(ProcessTree.class.getName());
    private static final long POLL_MILLIS = 20;

    private ProcessTree() {
    }

    /**
     * Kills each root and its descendants that still run, and waits until they are gone.
     *
     * @param roots the processes, e.g. a browser and its driver, or every process a browser forked
     * @param wait how long to wait for all of them together
     * @return the ids of the processes that had to be killed, in the order they were killed
     */
    public static List<Long> kill(Collection<ProcessHandle> roots, Duration wait) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            // descendants are listed before anything is killed: once their parent dies they are orphaned and
            // are no longer found below it
            tree.add(root);
            root.descendants().forEach(tree::add);
        }
        List<ProcessHandle> running = tree.stream().filter(ProcessTree::isRunning).toList();
        List<Long> killed = new ArrayList<>();
        for (ProcessHandle process : running) {
            LOG.log(Level.DEBUG, "killing {0} {1}", String.valueOf(process.pid()),
                    process.info().commandLine().orElse("?"));
            if (process.destroyForcibly()) {
                killed.add(process.pid());
            }
        }
        awaitGone(running, wait);
        return killed;
    }

    /**
     * A zombie has finished and only waits for its parent, or for init once orphaned, to collect it, yet the
     * JDK counts it as alive; in a container whose init never collects, it stays one for good. Linux tells
     * the difference in {@code /proc/PID/stat}.
     *
     * @param process a process
     * @return whether it still runs: alive and not a zombie
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // "pid (name) S ...": the state follows the name, which may itself contain spaces and parentheses
            int nameEnd = stat.lastIndexOf(')');
            char state = nameEnd > 0 && nameEnd + 2 < stat.length() ? stat.charAt(nameEnd + 2) : 'R';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            // gone meanwhile, or no /proc on this system: the JDK's answer is the best there is
            return process.isAlive();
        }
    }

    /** Polls: a zombie never completes {@link ProcessHandle#onExit()}, and a killed process may become one. */
    private static void awaitGone(List<ProcessHandle> processes, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (processes.stream().anyMatch(ProcessTree::isRunning) && System.nanoTime() - deadline < 0) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
