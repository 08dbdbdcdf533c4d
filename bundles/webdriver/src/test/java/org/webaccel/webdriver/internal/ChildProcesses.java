package org.webaccel.webdriver.internal;

import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** The processes a test started: this JVM's descendants that were not there before. */
final class ChildProcesses {

    private final Set<Long> before = pids();

    /** @return the new descendants, as "pid command line" */
    Set<String> added() {
        return ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.toSet());
    }

    /** Fails unless every process the test started has gone within {@code millis}. */
    void assertAllGone(long millis) throws InterruptedException {
        waitFor("every browser and driver process ended", millis, () -> added().isEmpty());
    }

    static void waitFor(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Set<Long> pids() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
