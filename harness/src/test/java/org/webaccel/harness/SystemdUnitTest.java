package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Test;
import org.webaccel.testing.Await;
import org.webaccel.testing.Processes;

/**
 * The example systemd unit, docs/systemd/webaccel.service, run as systemd would run it: its ExecStart line in its
 * WorkingDirectory with its Environment, then SIGTERM, as {@code systemctl stop} sends. The container must run
 * in the foreground, log to stdout, answer {@code webaccel status}, and end on SIGTERM with an exit status the
 * unit counts as success, leaving no process of its own behind.
 */
public class SystemdUnitTest {
    private static final String INSTALLED = "/opt/webaccel";

    @Test
    public void execStartRunsTheContainerInTheForegroundAndSigtermStopsItInOrder() throws Exception {
        Map<String, String> unit = unit(Path.of(System.getProperty("webaccel.docs"), "systemd/webaccel.service"));
        try (DistributionCopy copy = DistributionCopy.make(home -> Files.writeString(
                home.resolve("conf/org.webaccel.pool.config"), "minWorkers = I\"1\"\n"))) {
            String home = copy.home().toString();
            List<String> execStart = Arrays.asList(unit.get("ExecStart").replace(INSTALLED, home).split(" "));
            assertEquals(List.of(home + "/bin/webaccel", "run"), execStart);
            Path out = copy.home().resolve("journal.txt");
            ProcessBuilder pb = new ProcessBuilder(execStart).directory(Path.of(unit.get("WorkingDirectory")
                    .replace(INSTALLED, home)).toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            String[] environment = unit.get("Environment").split("=", 2);
            // The unit's JVM options, plus the test's own: Felix HTTP waits for conf/ (127.0.0.1, a free port).
            pb.environment().put(environment[0], environment[1] + " -Dorg.apache.felix.http.require.config=true");
            Process container = pb.start();
            try {
                Await.until("the container answers 'webaccel status' with a connected worker", () -> {
                    DistributionCopy.Run status = copy.run(copy.home(), "", "status");
                    return status.exit() == 0 && status.out().matches("(?s).*workers\\s+[1-9]\\d* connected.*");
                }, () -> copy.diagnostics("journal.txt"));
                String journal = Files.readString(out);
                assertTrue(journal, journal.contains("webaccel: running in " + home + " (pid " + container.pid() + ")"));
                assertTrue("the log goes to stdout: " + journal, journal.contains("worker ")
                        && journal.contains(" connected: ONNX Runtime Web"));
                List<ProcessHandle> started = container.descendants().toList();
                assertFalse("the container runs browsers", started.isEmpty());

                container.destroy(); // SIGTERM
                assertTrue("the container ended within TimeoutStopSec after SIGTERM", container.waitFor(
                        Long.parseLong(unit.get("TimeoutStopSec")), TimeUnit.SECONDS));
                Set<Integer> success = Arrays.stream(unit.get("SuccessExitStatus").split(" ")).map(Integer::valueOf)
                        .collect(Collectors.toSet());
                success.add(0);
                assertTrue("exit status " + container.exitValue() + " is one the unit counts as success " + success,
                        success.contains(container.exitValue()));
                assertEquals("processes the container started outlived it", List.of(),
                        started.stream().filter(Processes::isRunning).toList());
                DistributionCopy.Run after = copy.run(copy.home(), "", "status");
                assertEquals(after.toString(), 3, after.exit());
            } finally {
                container.descendants().forEach(ProcessHandle::destroyForcibly);
                container.destroyForcibly();
            }
        }
    }

    /** @return the unit's [Service] keys; a key given twice keeps its last value */
    private static Map<String, String> unit(Path file) throws Exception {
        Map<String, String> keys = new TreeMap<>();
        String section = "";
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.startsWith("[")) {
                section = l;
            } else if (section.equals("[Service]") && !l.isEmpty() && !l.startsWith("#")) {
                String[] kv = l.split("=", 2);
                keys.put(kv[0], kv[1]);
            }
        }
        return keys;
    }
}
