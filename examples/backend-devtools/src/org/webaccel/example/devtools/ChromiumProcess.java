package org.webaccel.example.devtools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.webaccel.api.spi.BackendException;

/**
 * One Chromium process started by this backend: its DevTools port, read from what Chromium prints at start,
 * and its profile folder, deleted when the process ends.
 */
final class ChromiumProcess {

    /** What Chromium prints on stderr once DevTools accepts connections. */
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
    /** Enough for the error that ended Chromium; earlier lines are mostly routine complaints about D-Bus. */
    private static final int TAIL_LINES = 3;

    private final Process process;
    private final Path profile;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    /** The last lines Chromium printed, for error messages; guarded by itself. */
    private final Deque<String> tail = new ArrayDeque<>();

    private ChromiumProcess(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
        // Async: deleting may wait for helpers, which must not hold up the JDK thread that reaps processes.
        process.onExit().thenRunAsync(this::deleteProfile);
    }

    /**
     * Starts Chromium and waits until its DevTools endpoint listens.
     *
     * @param command how to run Chromium
     * @param name a name for the reader thread and for messages
     * @param timeout how long Chromium may take to start
     * @return the running process
     * @throws BackendException when Chromium does not start, with the last lines it printed
     */
    static ChromiumProcess start(ChromiumCommand command, String name, Duration timeout) throws BackendException {
        Path profile;
        try {
            profile = Files.createTempDirectory("webaccel-devtools-");
        } catch (IOException e) {
            throw new BackendException("cannot create a profile folder for " + name + ": " + e.getMessage(), e);
        }
        Process process;
        try {
            process = new ProcessBuilder(command.launch(profile)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(profile);
            } catch (IOException ignored) {
                // an empty folder left in the temp directory
            }
            throw new BackendException("cannot start Chromium for " + name + ": " + e.getMessage(), e);
        }
        ChromiumProcess chromium = new ChromiumProcess(process, profile);
        Thread reader = new Thread(chromium::readStderr, "webaccel-devtools-" + name + "-stderr");
        reader.setDaemon(true);
        reader.start();
        chromium.awaitPort(name, timeout);
        return chromium;
    }

    /**
     * Reads stderr to its end. It must be read even after the DevTools line: Chromium writes log lines
     * there all its life and blocks once the pipe is full.
     */
    private void readStderr() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                remember(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
        } catch (IOException e) {
            // the process is gone; the port future below says so
        }
        port.completeExceptionally(new IllegalStateException("Chromium closed its output before DevTools listened"));
    }

    private void awaitPort(String name, Duration timeout) throws BackendException {
        try {
            port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            destroy();
            throw new BackendException("Chromium for " + name + " did not open DevTools within "
                    + timeout.toSeconds() + " s; it printed: " + tail());
        } catch (ExecutionException e) {
            destroy();
            throw new BackendException("Chromium for " + name + " exited before DevTools listened; it printed: "
                    + tail());
        } catch (InterruptedException e) {
            destroy();
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while starting Chromium for " + name);
        }
    }

    private void remember(String line) {
        synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
            }
        }
    }

    /** @return the last lines Chromium printed, joined */
    String tail() {
        synchronized (tail) {
            return tail.isEmpty() ? "nothing" : String.join(" | ", tail);
        }
    }

    /** @return the port of the DevTools HTTP endpoint on 127.0.0.1 */
    int port() {
        return port.join();
    }

    /** @return the operating-system process */
    Process process() {
        return process;
    }

    /**
     * Ends Chromium and its helper processes (renderers, GPU, network service), politely first, so that it
     * releases its profile, then by force; then deletes the profile. Returns within a few seconds.
     */
    void destroy() {
        // Taken before the main process ends: afterwards its children are re-parented and out of reach.
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        awaitExit(process.toHandle(), Duration.ofSeconds(3));
        process.destroyForcibly();
        helpers.forEach(ProcessHandle::destroyForcibly);
        helpers.forEach(helper -> awaitExit(helper, Duration.ofSeconds(1)));
        // Here and not only on exit: when the container stops, the JVM may end before an exit callback runs.
        deleteProfile();
    }

    private static void awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the caller goes on regardless: the signal is sent and the kernel finishes the work
        }
    }

    /**
     * Deletes the profile folder; safe to call again. A few attempts, because helpers of a Chromium that
     * died may still write into it for a moment.
     */
    private void deleteProfile() {
        for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException | UncheckedIOException e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
