package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.harness.DistributionCopy.Run;
import org.webaccel.testing.Await;
import org.webaccel.testing.Processes;

/**
 * The container as a service, the way an operator runs it: {@code webaccel start} in the background, then
 * {@code status}, {@code -c}, {@code shell} and {@code stop} against it from another folder; a second container in
 * the same folder is refused and touches none of the running one's files.
 */
public class ServiceModeTest {
    private static final Pattern CONNECTED = Pattern.compile("workers\\s+(\\d+) connected");

    private DistributionCopy copy;
    private Path elsewhere;
    private long pid = -1;

    @Before
    public void copyTheDistribution() throws IOException {
        copy = DistributionCopy.make(home -> Files.writeString(home.resolve("conf/org.webaccel.pool.config"),
                "minWorkers = I\"1\"\n"));
        elsewhere = Files.createTempDirectory("webaccel-elsewhere");
    }

    @After
    public void stopWhatWasLeft() throws Exception {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
        copy.close();
        Files.deleteIfExists(elsewhere);
    }

    private Run webaccel(String... args) throws Exception {
        return copy.run(elsewhere, "", args);
    }

    @Test
    public void startStatusCommandShellAndStopReachOneContainerFromAnyFolder() throws Exception {
        Run started = webaccel("start");
        assertEquals(started.toString(), 0, started.exit());
        assertTrue(started.out(), started.out().contains("started in " + copy.home()));
        pid = Long.parseLong(Files.readString(copy.home().resolve("data/webaccel.pid")).split(" ")[0]);
        assertTrue("the container's process " + pid + " runs", Processes.isRunning(ProcessHandle.of(pid).orElseThrow()));
        assertEquals("the admin socket is the owner's alone", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.home().resolve("data/admin.sock"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.home().resolve("data"))));

        String status = Await.value("a worker connected in the running container", () -> webaccel("status").out(),
                out -> connected(out) >= 1);
        assertTrue(status, status.contains("running   pid " + pid + ","));

        // The running container computes -c's commands: it counts the request, a container of its own would not.
        Run infer = webaccel("-c", "pool:infer text-encoder --random");
        assertEquals(infer.toString(), 0, infer.exit());
        Map<String, String> cache = files(copy.home().resolve("data/felix-cache"));
        Run counted = webaccel("-c", "pool:status");
        assertEquals(counted.toString(), 0, counted.exit());
        assertTrue(counted.out(), counted.out().matches("(?s).*requests\\s+submitted 1 = succeeded 1 .*"));
        Run failed = webaccel("-c", "pool:infer no-such-model --random");
        assertEquals(failed.toString(), 1, failed.exit());
        assertTrue(failed.err(), failed.err().contains("unknown model 'no-such-model'"));

        // A second container in the folder is refused, in either mode, and says which one runs.
        for (String mode : List.of("start", "run")) {
            Run second = webaccel(mode);
            assertEquals(second.toString(), 3, second.exit());
            assertTrue(second.err(), second.err().contains("a container already runs in " + copy.home() + " (pid " + pid));
        }
        assertEquals("no file of the running container's bundle cache changed", cache,
                files(copy.home().resolve("data/felix-cache")));

        Run shell = copy.run(elsewhere, "pool:status\npool:infer no-such-model --random\nexit\n", "shell");
        // the running container's counters: its one inference (an unknown model is refused before the pool)
        assertTrue(shell.out(), shell.out().matches("(?s).*requests\\s+submitted 1 = succeeded 1 .*"));
        assertTrue(shell.err(), shell.err().contains("unknown model 'no-such-model'"));
        assertEquals("the exit code of the shell's last command", 1, shell.exit());

        List<ProcessHandle> browsers = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        assertFalse("the container runs browsers", browsers.isEmpty());
        Run stop = webaccel("stop");
        assertEquals(stop.toString(), 0, stop.exit());
        assertTrue(stop.out(), stop.out().contains("stopping  pid " + pid));
        assertTrue(stop.out(), stop.out().contains("stopped"));
        assertFalse("the container exited before stop returned", ProcessHandle.of(pid).map(Processes::isRunning)
                .orElse(false));
        assertEquals("processes the container started outlived it", List.of(),
                browsers.stream().filter(Processes::isRunning).toList());
        assertFalse(Files.exists(copy.home().resolve("data/admin.sock")));
        assertFalse(Files.exists(copy.home().resolve("data/webaccel.pid")));

        Run after = webaccel("status");
        assertEquals(after.toString(), 3, after.exit());
        assertTrue(after.out(), after.out().contains("no container runs in " + copy.home()));
        Run again = webaccel("stop");
        assertEquals(again.toString(), 3, again.exit());
    }

    @Test
    public void withoutARunningContainerShellRefusesAndCommandRunsInAContainerOfItsOwn() throws Exception {
        Run shell = webaccel("shell");
        assertEquals(shell.toString(), 3, shell.exit());
        assertTrue(shell.err(), shell.err().contains("no container runs in " + copy.home()));
        Run own = webaccel("-c", "pool:status");
        assertEquals(own.toString(), 0, own.exit());
        assertTrue(own.out(), own.out().matches("(?s).*requests\\s+submitted 0 = .*"));
        assertFalse("its own container released the folder", Files.exists(copy.home().resolve("data/webaccel.pid")));
        Run help = webaccel("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out(), help.out().contains("in the running container when\n"));
        Run wrong = webaccel("stat");
        assertNotEquals(0, wrong.exit());
        assertEquals(2, wrong.exit());
    }

    private static int connected(String status) {
        Matcher m = CONNECTED.matcher(status);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** @return every file under the folder with its size and modification time */
    static Map<String, String> files(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(folder.relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f));
            }
        }
        return files;
    }
}
