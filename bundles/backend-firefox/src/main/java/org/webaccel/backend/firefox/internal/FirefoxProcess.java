package org.webaccel.backend.firefox.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.webaccel.api.spi.BackendException;
import org.webaccel.backend.support.ProcessTree;

/**
 * One Firefox process started with a remote-debugging port, its console output, and the processes it
 * forks.
 *
 * <p>Firefox forks a "fork server", which in turn forks every content, GPU, RDD and socket process; when
 * the main process dies they lose their parent and leave the JVM's process tree. The descendants seen while
 * the browser ran are therefore remembered, so that {@link #kill} can still end them afterwards.
 */
final class FirefoxProcess {

    private static final System.Logger LOG = System.getLogger(FirefoxProcess.class.getName());
    /** Firefox prints e.g. {@code WebDriver BiDi listening on ws://127.0.0.1:38751} once its server runs. */
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final int KEPT_LINES = 12;

    private final String name;
    private final Process process;
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    private final Deque<String> recentLines = new ArrayDeque<>(); // guarded by itself
    private final Set<ProcessHandle> descendants = ConcurrentHashMap.newKeySet();

    private FirefoxProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts Firefox with a fresh profile and an ephemeral WebDriver BiDi port.
     *
     * @param name the browser's id, for thread names and log lines
     * @param settings the backend's settings
     * @param profile the profile folder
     * @return the running process
     * @throws IOException when the executable cannot be started
     */
    static FirefoxProcess start(String name, FirefoxSettings settings, FirefoxProfile profile) throws IOException {
        List<String> command = new ArrayList<>(List.of(settings.executable().toString()));
        if (settings.headless()) {
            command.add("--headless");
        }
        // --no-remote: never hand the launch over to another running Firefox; port 0: the OS picks a free port.
        command.addAll(List.of("--no-remote", "--remote-debugging-port=0", "--profile", profile.directory().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (settings.webgpu()) {
            builder.environment().putAll(settings.webgpuEnvironment());
        }
        // A crashed tab is reported to the pool; no crash-report dialog or minidump upload is wanted.
        builder.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
        FirefoxProcess firefox = new FirefoxProcess(name, builder.start());
        firefox.process.getOutputStream().close();
        Thread reader = new Thread(firefox::readOutput, "webaccel-firefox-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
        // Forked processes share the output pipe, so its end says nothing; the main process's exit does. The
        // delay lets the reader take in Firefox's last words first.
        firefox.process.onExit().thenRunAsync(() -> firefox.endpoint.completeExceptionally(new IllegalStateException(
                "Firefox exited with code " + firefox.exitCode() + " before its WebDriver BiDi server listened; it printed: "
                        + firefox.recentOutput())), CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        return firefox;
    }

    /**
     * Waits until Firefox says where its WebDriver BiDi server listens.
     *
     * @param timeout how long to wait
     * @return the server's address, e.g. {@code ws://127.0.0.1:38751}
     * @throws BackendException when Firefox exits first or stays silent too long, with its last words
     */
    URI awaitEndpoint(Duration timeout) throws BackendException {
        try {
            return endpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BackendException("Firefox did not open its WebDriver BiDi port within " + timeout.toMillis()
                    + " ms; it printed: " + recentOutput());
        } catch (ExecutionException e) {
            throw new BackendException(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for Firefox to start");
        }
    }

    /** @return the main process */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** @return completes when the main process has exited */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** @return the exit code, or -1 while the process runs */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Notes the processes Firefox has forked so far; call after it starts new ones (a page opened, say). */
    void rememberDescendants() {
        process.descendants().forEach(descendants::add);
        descendants.removeIf(descendant -> !descendant.isAlive());
    }

    /**
     * Kills the main process and every process it forked, unless they are gone already (zombies count as
     * gone), and waits for them.
     *
     * @param wait how long to wait for all of them to go
     * @return the ids of the processes that were still running
     */
    List<Long> kill(Duration wait) {
        rememberDescendants();
        List<ProcessHandle> forked = new ArrayList<>(List.of(process.toHandle()));
        forked.addAll(descendants);
        List<Long> killed = ProcessTree.kill(forked, wait);
        descendants.clear();
        return killed;
    }

    /** @return Firefox's last lines of console output, joined, for error messages */
    String recentOutput() {
        synchronized (recentLines) {
            return recentLines.isEmpty() ? "nothing" : String.join(" | ", recentLines);
        }
    }

    /** Runs on its own thread until Firefox closes its output; an unread pipe would block Firefox when full. */
    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                keep(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    endpoint.complete(URI.create(listening.group(1)));
                }
                LOG.log(Level.DEBUG, "firefox {0}: {1}", name, line);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "firefox {0}: output closed: {1}", name, e.toString());
        }
    }

    private void keep(String line) {
        if (line.isBlank()) {
            return;
        }
        synchronized (recentLines) {
            if (recentLines.size() == KEPT_LINES) {
                recentLines.removeFirst();
            }
            recentLines.addLast(line.strip());
        }
    }
}
