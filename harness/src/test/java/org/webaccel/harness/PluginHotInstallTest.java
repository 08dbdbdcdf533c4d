package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleActivator;
import org.webaccel.testing.Await;

/**
 * A backend written outside the reactor, against the api bundle alone: {@code examples/backend-devtools} is
 * compiled and packaged here with the JDK's own tools, dropped into the {@code deploy/} folder of a running
 * container (a copy of the built distribution, driven through its interactive Gogo shell), serves an
 * inference, and leaves, with its browsers, when its jar is removed.
 */
public class PluginHotInstallTest {
    /** How long one shell step may take before the test calls it lost (patience, not a figure under test). */
    private static final Duration STEP = Await.PATIENCE;
    private static final String JAR_NAME = "org.webaccel.example.backend-devtools.jar";

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void aBackendBuiltAgainstTheApiAloneIsHotInstalledServesAndLeavesWhenItsJarIsRemoved() throws Exception {
        Path repository = Distribution.home().resolve("../../..").normalize();
        Path jar = ExampleBundle.build(repository.resolve("examples/backend-devtools"), apiJar(repository),
                osgiCoreJar(), temp.newFolder("example").toPath());
        Path home = temp.newFolder("distribution").toPath().resolve("webaccel");
        copyDistribution(Distribution.home(), home);

        try (GogoShell shell = GogoShell.start(home)) {
            shell.poll("pool:backends", out -> out.contains("BACKEND") || out.contains("no backend installed"),
                    "the pool's commands");
            stopBuiltInBackends(shell);
            shell.poll("pool:backends", out -> out.contains("no backend installed"),
                    "the pool to have no backend left");

            drop(jar, home.resolve("deploy").resolve(JAR_NAME));
            shell.poll("pool:backends", out -> workersOfDevtools(out) > 0,
                    "the devtools backend to be available with workers");
            shell.poll("pool:workers", out -> Pattern.compile("(?m)^devtools-\\S+\\s+devtools\\s+idle\\b")
                    .matcher(out).find(), "a devtools worker page to connect");
            List<ProcessHandle> browsers = devtoolsBrowsers(shell.process());
            assertFalse("no Chromium with a DevTools port among the container's processes", browsers.isEmpty());

            String out = shell.run("pool:infer image-classifier --random --json", STEP);
            JsonNode result = json(out);
            assertEquals(out, "devtools", result.path("backend").asText());
            assertTrue(out, result.path("worker").asText().startsWith("devtools-"));
            assertEquals(out, "image-classifier:1", result.path("model").asText());
            assertProbabilities(result.path("outputs").path("probabilities").path("data"));

            Files.delete(home.resolve("deploy").resolve(JAR_NAME));
            shell.poll("pool:backends", listing -> listing.contains("no backend installed"),
                    "the devtools backend to leave the pool");
            shell.poll("lb -s org.webaccel.example", listing -> listing.contains("No matching bundles found"),
                    "the example bundle to be uninstalled");
            awaitGone(browsers);

            assertEquals("exit status of the container", 0, shell.exit(Duration.ofSeconds(60)));
        }
    }

    /** Stops every backend bundle of the distribution, so that only the example can serve. */
    private static void stopBuiltInBackends(GogoShell shell) throws Exception {
        Matcher backend = Pattern.compile("(?m)^\\s*(\\d+)\\|Active\\s*\\|\\s*\\d+\\|org\\.webaccel\\.backend-\\S+ \\(")
                .matcher(shell.run("lb -s", STEP));
        while (backend.find()) {
            shell.run("stop " + backend.group(1), STEP);
        }
    }

    /** @return the workers column of the devtools line of {@code pool:backends} when available, else -1 */
    private static int workersOfDevtools(String backends) {
        Matcher line = Pattern.compile("(?m)^devtools\\s+chromium\\s+available\\s+\\S+\\s+\\d+\\s+(\\d+)")
                .matcher(backends);
        return line.find() ? Integer.parseInt(line.group(1)) : -1;
    }

    /**
     * @return the Chromium main processes the example started in the container: they serve DevTools on a
     *     port of their choosing from a profile the example names; helper processes carry {@code --type=}
     */
    private static List<ProcessHandle> devtoolsBrowsers(ProcessHandle container) {
        return container.descendants().filter(p -> {
            List<String> args = p.info().arguments().map(Arrays::asList).orElse(List.of());
            return args.contains("--remote-debugging-port=0")
                    && args.stream().anyMatch(a -> a.startsWith("--user-data-dir=") && a.contains("webaccel-devtools-"))
                    && args.stream().noneMatch(a -> a.startsWith("--type="));
        }).toList();
    }

    private static void awaitGone(List<ProcessHandle> browsers) throws InterruptedException {
        Await.until("the uninstalled backend's browsers ended", () -> browsers.stream().noneMatch(ProcessHandle::isAlive),
                () -> "still running: " + browsers.stream().filter(ProcessHandle::isAlive)
                        .map(p -> Long.toString(p.pid())).collect(Collectors.joining(", ")));
    }

    /** @return the result line of {@code pool:infer --json}; the container's log lines may surround it */
    private static JsonNode json(String out) throws IOException {
        String line = out.lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON result in:\n" + out));
        return new ObjectMapper().readTree(line);
    }

    /** The classifier's softmax output: ten values in [0, 1] adding up to 1, as only a real run gives. */
    private static void assertProbabilities(JsonNode data) {
        assertEquals(data.toString(), 10, data.size());
        double sum = 0;
        for (JsonNode p : data) {
            assertTrue(data.toString(), p.asDouble() >= 0 && p.asDouble() <= 1);
            sum += p.asDouble();
        }
        assertEquals(data.toString(), 1.0, sum, 1e-4);
    }

    /** @return the api bundle the reactor built: the only jar the example compiles against besides OSGi core */
    private static Path apiJar(Path repository) throws IOException {
        try (Stream<Path> jars = Files.list(repository.resolve("bundles/api/target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("org\\.webaccel\\.api-[0-9][^-]*(-SNAPSHOT)?\\.jar"))
                    .max(Comparator.comparing(PluginHotInstallTest::modified))
                    .orElseThrow(() -> new AssertionError("no api jar in " + repository.resolve("bundles/api/target")));
        }
    }

    /** @return the jar this test's class path holds the OSGi core API in */
    private static Path osgiCoreJar() throws Exception {
        return Path.of(BundleActivator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes elsewhere, then moves: fileinstall must never see a half-written jar. */
    private static void drop(Path jar, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        Files.copy(jar, partial);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Copies the built distribution, leaving out what earlier runs left in data/. */
    private static void copyDistribution(Path from, Path to) throws IOException {
        Path data = from.resolve("data");
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : (Iterable<Path>) tree::iterator) {
                if (source.startsWith(data) && !source.equals(data)) {
                    continue;
                }
                Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Builds the example bundle as its build.sh does, with the JDK's compiler and java.util.jar. */
    static final class ExampleBundle {
        private ExampleBundle() {
        }

        /**
         * @param example the example's folder: src/ and META-INF/MANIFEST.MF
         * @param apiJar the api bundle
         * @param osgiCore a jar with the OSGi core API
         * @param work where to put classes and the jar
         * @return the bundle
         */
        static Path build(Path example, Path apiJar, Path osgiCore, Path work) throws IOException {
            Path classes = Files.createDirectories(work.resolve("classes"));
            compile(example.resolve("src"), List.of(apiJar, osgiCore), classes);
            Path jar = work.resolve(JAR_NAME);
            Manifest manifest;
            try (InputStream in = Files.newInputStream(example.resolve("META-INF/MANIFEST.MF"))) {
                manifest = new Manifest(in);
            }
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                    Stream<Path> tree = Files.walk(classes)) {
                for (Path file : tree.filter(p -> !p.equals(classes)).sorted().toList()) {
                    String name = classes.relativize(file).toString().replace('\\', '/');
                    boolean folder = Files.isDirectory(file);
                    out.putNextEntry(new JarEntry(folder ? name + "/" : name));
                    if (!folder) {
                        Files.copy(file, out);
                    }
                    out.closeEntry();
                }
            }
            return jar;
        }

        private static void compile(Path sources, List<Path> classPath, Path classes) throws IOException {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            assertNotNull("the tests run on a JRE without a compiler; they need a JDK", javac);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                    StandardCharsets.UTF_8);
                    Stream<Path> tree = Files.walk(sources)) {
                files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
                files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
                List<Path> java = tree.filter(p -> p.toString().endsWith(".java")).toList();
                assertFalse("no sources in " + sources, java.isEmpty());
                boolean compiled = javac.getTask(null, files, diagnostics, List.of("--release", "17", "-Xlint:all"),
                        null, files.getJavaFileObjectsFromPaths(java)).call();
                assertTrue("the example does not compile against " + classPath + ":\n" + diagnostics.getDiagnostics()
                        .stream().map(Object::toString).collect(Collectors.joining("\n")), compiled);
            }
        }
    }

    /**
     * The distribution's {@code bin/webaccel} with its Gogo shell on stdin and stdout. Every wait is
     * bounded; closing destroys the container and the processes it started if they are still running.
     */
    static final class GogoShell implements AutoCloseable {
        private static final String PROMPT = "g! ";

        private final Process process;
        private final OutputStream stdin;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();

        private GogoShell(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
            Thread reader = new Thread(this::collect, "webaccel-shell-output");
            reader.setDaemon(true);
            reader.start();
        }

        static GogoShell start(Path home) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/webaccel").toString()).directory(home.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().remove("WEBACCEL_JAVA_OPTS");
            GogoShell shell = new GogoShell(builder.start());
            shell.awaitPrompt(0, STEP, "the first prompt");
            return shell;
        }

        ProcessHandle process() {
            return process.toHandle();
        }

        /**
         * Types a command and waits for the next prompt.
         *
         * @return what the shell printed in between
         */
        String run(String command, Duration timeout) throws Exception {
            int mark = size();
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return awaitPrompt(mark, timeout, "'" + command + "' to finish");
        }

        /** Runs a command once a second until its output satisfies the condition, for at most {@link #STEP}. */
        String poll(String command, Predicate<String> condition, String what) throws Exception {
            long end = System.nanoTime() + STEP.toNanos();
            while (true) {
                String out = run(command, STEP);
                if (condition.test(out)) {
                    return out;
                }
                if (System.nanoTime() > end) {
                    fail("timed out after " + STEP.toSeconds() + " s waiting for " + what + "; '" + command
                            + "' last printed:\n" + out + "\n--- the whole session:\n" + since(0));
                }
                Thread.sleep(1000);
            }
        }

        /** Types {@code exit} and waits for the container to end. */
        int exit(Duration timeout) throws Exception {
            stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the container did not stop within " + timeout.toSeconds() + " s of 'exit':\n" + since(0));
            }
            return process.exitValue();
        }

        private String awaitPrompt(int mark, Duration timeout, String what) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                String out = since(mark);
                int prompt = out.indexOf(PROMPT);
                if (prompt >= 0) {
                    return out.substring(0, prompt);
                }
                if (!process.isAlive()) {
                    fail("the container ended (exit " + process.exitValue() + ") while waiting for " + what + ":\n"
                            + since(0));
                }
                if (System.nanoTime() > end) {
                    fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + ":\n" + since(0));
                }
                Thread.sleep(100);
            }
        }

        private void collect() {
            byte[] buffer = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0;) {
                    synchronized (output) {
                        output.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the container ended
            }
        }

        private int size() {
            synchronized (output) {
                return output.size();
            }
        }

        private String since(int mark) {
            synchronized (output) {
                byte[] all = output.toByteArray();
                return new String(all, mark, all.length - mark, StandardCharsets.UTF_8);
            }
        }

        /** Ends the container by its handle if a failed test left it running, and whatever it started. */
        @Override
        public void close() {
            if (process.isAlive()) {
                List<ProcessHandle> children = process.descendants().toList();
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
            try {
                stdin.close();
            } catch (IOException e) {
                // the container is gone and so is the other end of the pipe
            }
        }
    }
}
