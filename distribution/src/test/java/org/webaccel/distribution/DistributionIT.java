package org.webaccel.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.webaccel.testing.Await;

/**
 * Runs the assembled distribution as a user would, through bin/webaccel, in a copy of its folder (the tests
 * add files to conf/ and deploy/). Every process is bounded in time and, if it overruns, destroyed with the
 * processes it started.
 */
public class DistributionIT {

    private static final long TIMEOUT_SECONDS = Await.PATIENCE.toSeconds();
    private static Path home;

    @BeforeClass
    public static void copyDistribution() throws IOException {
        Path built = Path.of(System.getProperty("webaccel.dist", "target/webaccel"));
        assertTrue("no assembled distribution at " + built.toAbsolutePath() + "; run 'mvn package' first",
                Files.isExecutable(built.resolve("bin/webaccel")));
        home = Files.createTempDirectory("webaccel-it-").resolve("webaccel");
        copyTree(built, home);
    }

    @AfterClass
    public static void deleteCopy() throws IOException {
        if (home != null) {
            deleteTree(home.getParent());
        }
    }

    @Test
    public void everyBundleOfTheFeaturesIsActiveAfterStart() throws Exception {
        Result lb = run("-c", "lb -s");

        assertEquals(lb.describe(), 0, lb.exitCode);
        List<Path> jars;
        try (Stream<Path> listing = Files.list(home.resolve("bundle"))) {
            jars = listing.sorted().toList();
        }
        assertTrue("bundle/ is empty", !jars.isEmpty());
        for (Path jar : jars) {
            String symbolicName = symbolicName(jar);
            Pattern active = Pattern.compile("(?m)^\\s*\\d+\\|Active\\s*\\|.*\\|" + Pattern.quote(symbolicName) + " \\(");
            assertTrue(symbolicName + " is not Active:\n" + lb.describe(), active.matcher(lb.out).find());
        }
    }

    @Test
    public void anUnknownCommandFailsWithAMessage() throws Exception {
        Result result = run("-c", "nosuchcommand");

        assertEquals(result.describe(), 1, result.exitCode);
        assertTrue(result.describe(), result.err.contains("Command not found: nosuchcommand"));
    }

    @Test
    public void wrongArgumentsAreAUsageError() throws Exception {
        Result result = run("--bogus");

        assertEquals(result.describe(), 2, result.exitCode);
        assertTrue(result.describe(), result.err.contains("usage: webaccel"));
    }

    @Test
    public void aConfigurationFileInConfReachesConfigAdmin() throws Exception {
        Path file = home.resolve("conf/org.webaccel.it.Probe.cfg");
        Files.writeString(file, "greeting = hello from conf\n");
        try {
            // no ConfigAdmin command ships, so ask the service itself through Gogo's method calls
            Result result = run("-c", "ctx = ${.context}; "
                    + "cm = ($ctx service ($ctx serviceReference org.osgi.service.cm.ConfigurationAdmin)); "
                    + "each ($cm listConfigurations '(service.pid=org.webaccel.it.Probe)') { $it properties }");

            assertEquals(result.describe(), 0, result.exitCode);
            assertTrue(result.describe(), result.out.contains("greeting=hello from conf"));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    public void theShellHotDeploysAndUninstallsAndStopsAtEndOfInput() throws Exception {
        Process shell = start();
        Output out = new Output(shell.getInputStream());
        Path jar = home.resolve("deploy/probe.jar");
        try {
            try (OutputStream stdin = shell.getOutputStream()) {
                out.await("g! ", "the prompt");
                writeProbeBundle(jar, "org.webaccel.it.probe");
                pollUntil(stdin, out, "lb -s org.webaccel.it.probe", "|Active", "the dropped bundle to be active");
                Files.delete(jar);
                pollUntil(stdin, out, "lb -s org.webaccel.it.probe", "No matching bundles found",
                        "the removed bundle to be uninstalled");
            }
            // stdin is closed: gosh stops the framework, and the launcher exits
            assertTrue("the shell did not stop at end of input:\n" + out.text(), shell.waitFor(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(out.text(), 0, shell.exitValue());
        } finally {
            if (shell.isAlive()) {
                destroy(shell);
            }
            Files.deleteIfExists(jar);
        }
    }

    /** Sends a command every second until its latest output holds the text; bounded. */
    private static void pollUntil(OutputStream stdin, Output out, String command, String expected, String what)
            throws Exception {
        Await.until(what, () -> {
            int from = out.text().length();
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            Thread.sleep(1000);
            return out.text().substring(from).contains(expected);
        }, out::text);
    }

    private static Result run(String... args) throws Exception {
        Process process = start(args);
        process.getOutputStream().close();
        Output out = new Output(process.getInputStream());
        Output err = new Output(process.getErrorStream());
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            destroy(process);
            fail("bin/webaccel " + String.join(" ", args) + " ran past " + TIMEOUT_SECONDS + " s:\n" + out.text() + err.text());
        }
        out.join();
        err.join();
        return new Result(process.exitValue(), out.text(), err.text());
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/webaccel").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("WEBACCEL_JAVA_OPTS");
        if (args.length == 0) {
            builder.redirectErrorStream(true);
        }
        return builder.start();
    }

    /** Destroys a process this test started, and whatever it started (browsers), by their handles. */
    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String name = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            assertTrue(jar + " is no bundle", name != null);
            return name.split(";")[0].trim();
        }
    }

    private static void writeProbeBundle(Path jar, String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        // write elsewhere, then move: fileinstall must not see a half-written jar
        Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial), manifest)) {
            out.flush();
        }
        Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            tree.forEach(source -> {
                try {
                    Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private record Result(int exitCode, String out, String err) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Collects a process stream on its own thread, so the process never blocks on a full pipe. */
    private static final class Output extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Output(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0;) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        void await(String text, String what) throws InterruptedException {
            Await.until(what, () -> text().contains(text), this::text);
        }
    }
}
