package org.webaccel.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.webaccel.testing.Await;

/**
 * The built distribution running as a process, the way a user starts it ({@code bin/webaccel} with its Gogo
 * shell on stdin), from a private {@link DistributionCopy}.
 */
public final class DistributionProcess implements AutoCloseable {

    /** Changes a copy before it starts: configuration files, models, bundles. */
    public interface Setup extends DistributionCopy.Setup {
    }

    private final DistributionCopy copy;
    private final Process process;

    private DistributionProcess(DistributionCopy copy, Process process) {
        this.copy = copy;
        this.process = process;
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
        DistributionCopy copy = DistributionCopy.make(setup);
        Path home = copy.home();
        ProcessBuilder pb = copy.command(home).redirectOutput(home.resolve("console.out").toFile())
                .redirectError(home.resolve("console.err").toFile());
        // stdin stays open: the Gogo shell on it stops the container at EOF, which close() sends.
        DistributionProcess running = new DistributionProcess(copy, pb.start());
        try {
            running.awaitLive(Await.PATIENCE);
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
        return running;
    }

    private void awaitLive(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the container exited with " + process.exitValue() + diagnostics());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(copy.base().resolve("/v2/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no answer from " + copy.base() + "/v2/health/live within " + timeout + diagnostics());
    }

    /** @return the container's console and the end of its log, for failure messages */
    public String diagnostics() {
        return copy.diagnostics("console.out", "console.err");
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public URI base() {
        return copy.base();
    }

    /**
     * Runs one Gogo command in this container, as an operator does: {@code bin/webaccel -c CMD} through its admin
     * socket.
     *
     * @param command the command line
     * @return its exit code and output
     */
    public DistributionCopy.Run command(String command) throws IOException, InterruptedException {
        return copy.run(copy.home(), "", "-c", command);
    }

    /** @return the process id of the container's JVM ({@code bin/webaccel} execs it) */
    public long pid() {
        return process.pid();
    }

    /** @return the copy's distribution folder */
    public Path home() {
        return copy.home();
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
        copy.close();
    }
}
