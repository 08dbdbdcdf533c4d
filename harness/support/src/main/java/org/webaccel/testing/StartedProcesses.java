package org.webaccel.testing;

import java.util.Set;
import java.util.stream.Collectors;

/** The processes a test started: this JVM's descendants that were not there when it was made. */
public final class StartedProcesses {

    private final Set<Long> before = Processes.ours().map(ProcessHandle::pid).collect(Collectors.toSet());

    /** @return the processes started since, as "pid arguments" */
    public Set<String> added() {
        return Processes.ours().filter(p -> !before.contains(p.pid()))
                .map(p -> p.pid() + " " + String.join(" ", Processes.arguments(p))).collect(Collectors.toSet());
    }

    /** Waits until every process started since has ended; fails listing those that still run. */
    public void awaitAllGone() throws InterruptedException {
        Await.until("every process the test started ended", () -> added().isEmpty(), () -> "still running: " + added());
    }
}
