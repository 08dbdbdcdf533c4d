package org.webaccel.backend.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.After;
import org.junit.Test;
import org.webaccel.testing.Await;
import org.webaccel.testing.Processes;

/**
 * Real processes: a shell that stays the parent of its {@code sleep}, started with a marker as its
 * {@code $0} so that it carries the marker the way a browser carries its switch. Processes are found only
 * by that marker or by the handles of what this test started.
 */
public class ProcessTreeTest {

    private final List<Process> started = new ArrayList<>();

    @After
    public void tearDown() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    public void theMainProcessIsFoundByItsMarkerAndNotByAHelpersCopyOfIt() throws Exception {
        BrowserMarker marker = BrowserMarker.fresh();
        assertTrue(marker.argument(), marker.argument().startsWith(BrowserMarker.PREFIX));
        Process helper = shell("sleep 300; true", marker.argument(), "--type=renderer");
        Process main = shell("sleep 300; true", marker.argument());

        Optional<ProcessHandle> found = Await.value("the marked process is found", marker::mainProcess, Optional::isPresent);
        assertEquals("the one without Chromium's helper switch", main.pid(), found.orElseThrow().pid());
        assertTrue("the helper runs and carries the marker too",
                Processes.hasArgument(helper.toHandle(), marker.argument()));
        assertEquals(Optional.empty(), BrowserMarker.fresh().mainProcess());
    }

    @Test
    public void killingARootKillsWhatItStartedAndWaitsForThem() throws Exception {
        Process root = shell("sleep 300; true", BrowserMarker.fresh().argument());
        ProcessHandle child = Await.value("the shell started its sleep", () -> root.descendants().findFirst(),
                Optional::isPresent).orElseThrow();

        List<Long> killed = ProcessTree.kill(List.of(root.toHandle()), Await.PATIENCE);

        assertEquals(List.of(root.pid(), child.pid()), killed);
        assertFalse("the root is gone", ProcessTree.isRunning(root.toHandle()));
        assertFalse("its child, orphaned by the root's death, is gone too", ProcessTree.isRunning(child));
        assertEquals("nothing is left to kill", List.of(), ProcessTree.kill(List.of(root.toHandle()), Await.PATIENCE));
    }

    @Test
    public void aZombieCountsAsGoneAndIsNotKilled() throws Exception {
        // the shell turns into a sleep that never collects the child the shell had started in the background
        Process root = shell("sleep 0 & exec sleep 300", BrowserMarker.fresh().argument());
        ProcessHandle zombie = Await.value("the background child has become a zombie", () -> root.descendants()
                .filter(p -> p.isAlive() && !Processes.isRunning(p)).findFirst(), Optional::isPresent).orElseThrow();

        assertTrue("the JDK still counts it as alive", zombie.isAlive());
        assertFalse(ProcessTree.isRunning(zombie));
        assertTrue(ProcessTree.isRunning(root.toHandle()));
        assertEquals(List.of(root.pid()), ProcessTree.kill(List.of(root.toHandle()), Await.PATIENCE));
    }

    /** Starts {@code sh -c script arguments...}: the arguments become the shell's {@code $0, $1, ...}. */
    private Process shell(String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        return process;
    }
}
