package org.webaccel.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.webaccel.testing.Await;

/**
 * A private copy of the built distribution in a temporary folder, its HTTP server on 127.0.0.1 and a free
 * port: the shared build output stays untouched and each copy has its own configuration and data.
 */
public final class DistributionCopy implements AutoCloseable {

    /** Changes a copy before it starts: configuration files, models, bundles. */
    @FunctionalInterface
    public interface Setup {
        /**
         * @param home the copy's distribution folder
         * @throws IOException if a file cannot be written
         */
        void apply(Path home) throws IOException;
    }

    /** How one {@code bin/webaccel} call ended. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private final Path home;
    private final URI base;

    private DistributionCopy(Path home, int port) {
        this.home = home;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Copies the distribution, binds its HTTP server to 127.0.0.1 on a free port and applies {@code setup}.
     *
     * @param setup changes to the copy
     * @return the copy
     * @throws IOException if the copy cannot be made
     */
    public static DistributionCopy make(Setup setup) throws IOException {
        Path home = Files.createTempDirectory("webaccel-home");
        copy(Distribution.home(), home);
        int port = freePort();
        // Replaces the feature's configuration of the same PID, so there is one source of the port.
        Files.writeString(home.resolve("conf/org.apache.felix.http.config"),
                "org.osgi.service.http.port = I\"" + port + "\"\norg.apache.felix.http.host = \"127.0.0.1\"\n");
        setup.apply(home);
        return new DistributionCopy(home, port);
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

    /** @return the copy's distribution folder */
    public Path home() {
        return home;
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public URI base() {
        return base;
    }

    /**
     * The launcher, started as {@code bin/webaccel ARGS} from {@code workingDirectory}.
     *
     * @param workingDirectory where it runs from
     * @param args its arguments
     * @return the process builder, environment set for a test container
     */
    public ProcessBuilder command(Path workingDirectory, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/webaccel").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile());
        // Felix HTTP waits for conf/ instead of first starting on its built-in default, 0.0.0.0:8080.
        pb.environment().put("WEBACCEL_JAVA_OPTS", "-Dorg.apache.felix.http.require.config=true");
        return pb;
    }

    /**
     * Runs {@code bin/webaccel ARGS} from {@code workingDirectory} to its end, {@code stdin} as its input.
     *
     * @return its exit code and output
     */
    public Run run(Path workingDirectory, String stdin, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("webaccel-out", ".txt");
        Path err = Files.createTempFile("webaccel-err", ".txt");
        try {
            Process p = command(workingDirectory, args).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("bin/webaccel " + String.join(" ", args) + " did not end within "
                        + Await.PATIENCE + ":\n" + Files.readString(out) + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** @return the console output and the end of the copy's log, for failure messages */
    public String diagnostics(String... consoleFiles) {
        StringBuilder s = new StringBuilder();
        List<String> files = new ArrayList<>(List.of(consoleFiles));
        files.add("data/webaccel.0.log");
        for (String f : files) {
            try {
                String text = Files.readString(home.resolve(f), StandardCharsets.UTF_8);
                s.append("\n--- ").append(f).append(" ---\n").append(text.substring(Math.max(0, text.length() - 4000)));
            } catch (IOException e) {
                s.append("\n--- ").append(f).append(": ").append(e.getMessage());
            }
        }
        return s.toString();
    }

    /** Deletes the copy. */
    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }
}
