package org.webaccel.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.webaccel.testing.Await;

/**
 * The built distribution running as a process, the way a user starts it ({@code bin/webaccel} with its Gogo
 * shell on stdin), from a private copy in a temporary folder: the shared build output stays untouched and
 * each copy gets its own HTTP port, configuration and data.
 */
public final class DistributionProcess implements AutoCloseable {

    /** Changes a copy before it starts: configuration files, models, bundles. */
    @FunctionalInterface
    public interface Setup {
        /**
         * @param home the copy's distribution folder
         * @throws IOException if a file cannot be written
         */
        void apply(Path home) throws IOException;
    }

    private final Path home;
    private final Process process;
    private final URI base;

    private DistributionProcess(Path home, Process process, int port) {
        this.home = home;
        this.process = process;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Copies the distribution, binds its HTTP server to 127.0.0.1 on a free port, applies {@code setup}, starts
     * it and waits until {@code /v2/health/live} answers.
     *
     * @param setup changes to the copy before it starts
     * @return the running container
     * @throws IOException if the copy cannot be made
     * @throws InterruptedException if interrupted while waiting
     */
    public static DistributionProcess start(Setup setup) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("webaccel-oip");
        copy(Distribution.home(), home);
        int port = freePort();
        // Replaces the feature's configuration of the same PID, so there is one source of the port.
        Files.writeString(home.resolve("conf/org.apache.felix.http.config"),
                "org.osgi.service.http.port = I\"" + port + "\"\norg.apache.felix.http.host = \"127.0.0.1\"\n");
        setup.apply(home);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/webaccel").toString())
                .redirectOutput(home.resolve("console.out").toFile())
                .redirectError(home.resolve("console.err").toFile());
        // Felix HTTP waits for conf/ instead of first starting on its built-in default, 0.0.0.0:8080.
        pb.environment().put("WEBACCEL_JAVA_OPTS", "-Dorg.apache.felix.http.require.config=true");
        // stdin stays open: the Gogo shell on it stops the container at EOF, which close() sends.
        DistributionProcess running = new DistributionProcess(home, pb.start(), port);
        try {
            running.awaitLive(Await.PATIENCE);
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                // data/ and models/ belong to a run, not to the build: each copy starts without them.
                if (rel.getNameCount() > 0 && (rel.getName(0).toString().equals("data")
                        || rel.getName(0).toString().equals("models"))) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createDirectories(to.resolve("data"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitLive(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the container exited with " + process.exitValue() + diagnostics());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/v2/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no answer from " + base + "/v2/health/live within " + timeout + diagnostics());
    }

    /** @return the container's console and the end of its log, for failure messages */
    public String diagnostics() {
        StringBuilder s = new StringBuilder();
        for (String f : List.of("console.out", "console.err", "data/webaccel.0.log")) {
            try {
                String text = Files.readString(home.resolve(f), StandardCharsets.UTF_8);
                s.append("\n--- ").append(f).append(" ---\n").append(text.substring(Math.max(0, text.length() - 4000)));
            } catch (IOException e) {
                s.append("\n--- ").append(f).append(": ").append(e.getMessage());
            }
        }
        return s.toString();
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public URI base() {
        return base;
    }

    /** @return the process id of the container's JVM ({@code bin/webaccel} execs it) */
    public long pid() {
        return process.pid();
    }

    /** @return the copy's distribution folder */
    public Path home() {
        return home;
    }

    /**
     * Stops the container as a user does (EOF on the shell) and waits for its JVM to exit.
     *
     * @return the processes it had started that still ran when it exited (its own stop should have ended them)
     */
    public List<ProcessHandle> stop() throws IOException, InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.getOutputStream().close();
        if (!process.waitFor(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the container did not stop at end of input" + diagnostics());
        }
        return children.stream().filter(org.webaccel.testing.Processes::isRunning).toList();
    }

    /** Stops the container as a user does (EOF on the shell), forcibly if it hangs, then deletes the copy. */
    @Override
    public void close() {
        // Browsers and drivers the container started: ended below if the container leaves them behind.
        List<ProcessHandle> children = process.descendants().toList();
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        delete(home);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }
}
