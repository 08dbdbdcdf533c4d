package org.webaccel.backend.firefox.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.webaccel.api.spi.BackendException;

/**
 * A profile that one Firefox has started in and quit cleanly, so that its first-run work is done (its databases
 * and add-on registry written, its start-up cache filled with the browser's own compiled scripts). Browsers
 * start from a copy of it instead of an empty folder: on a loaded two-core machine that shortens a launch by
 * about a second (docs/performance.md). Compiled WebAssembly is not among what it saves: Firefox ESR 153 keeps
 * none in its cache.
 *
 * <p>It is made once per backend, on a thread of its own, by a Firefox that opens a WebDriver BiDi session
 * (answered once its first window is up) and quits. Until it is ready, and for good if making it failed, browsers
 * start from an empty profile. No lock is held: the state is one future.
 */
final class ProfileTemplate {

    private static final System.Logger LOG = System.getLogger(ProfileTemplate.class.getName());
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private final FirefoxSettings settings;
    private final AtomicReference<CompletableFuture<FirefoxProfile>> made = new AtomicReference<>();
    /** The Firefox that makes the template, while it runs; killed if the backend closes meanwhile. */
    private final AtomicReference<FirefoxProcess> maker = new AtomicReference<>();
    private volatile boolean closed;

    /** @param settings the backend's settings: the template's Firefox runs with them */
    ProfileTemplate(FirefoxSettings settings) {
        this.settings = settings;
    }

    /** @return the template's folder once it is made; empty before, and when making it failed */
    Optional<Path> ready() {
        CompletableFuture<FirefoxProfile> future = made.get();
        if (future == null || !future.isDone() || future.isCompletedExceptionally() || closed) {
            return Optional.empty();
        }
        return Optional.of(future.join().directory());
    }

    /** Starts making the template on a thread of its own, unless it is made, being made, or failed; returns at once. */
    void makeInBackground() {
        CompletableFuture<FirefoxProfile> future = new CompletableFuture<>();
        if (closed || !made.compareAndSet(null, future)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                future.complete(make());
            } catch (BackendException | IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "no Firefox profile template, browsers start from empty profiles: {0}",
                        e.getMessage());
                future.completeExceptionally(e);
            }
        }, "webaccel-firefox-profile-template");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Makes the template now, on the caller's thread.
     *
     * @return the profile, with Firefox gone from it
     * @throws BackendException when Firefox does not start, answer or quit in the launch timeout
     * @throws IOException when the profile cannot be written
     */
    FirefoxProfile make() throws BackendException, IOException {
        long begin = System.nanoTime();
        Deadline deadline = Deadline.in(settings.launchTimeout());
        FirefoxProfile profile = FirefoxProfile.create("template", settings);
        FirefoxProcess process = null;
        ExecutorService threads = Executors.newCachedThreadPool(work -> {
            Thread thread = new Thread(work, "webaccel-firefox-profile-template-bidi");
            thread.setDaemon(true);
            return thread;
        });
        BidiConnection connection = null;
        boolean quit = false;
        try {
            process = FirefoxProcess.start("template", settings, profile);
            maker.set(process);
            if (closed) {
                throw new BackendException("the backend closed while its profile template was being made");
            }
            URI endpoint = process.awaitEndpoint(deadline.remaining());
            connection = BidiConnection.open(endpoint.resolve("/session"), threads, deadline.remaining(),
                    (method, params) -> { }, reason -> { });
            connection.call("session.new", BidiConnection.params().set("capabilities", BidiConnection.params()),
                    deadline.remaining());
            connection.call("browser.close", BidiConnection.params(), deadline.remaining());
            quit = process.onExit().get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS).exitValue() == 0;
        } catch (BidiException | ExecutionException | TimeoutException e) {
            throw new BackendException("the Firefox that makes the profile template did not quit cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while making the profile template");
        } finally {
            if (connection != null) {
                connection.close();
            }
            if (process != null) {
                process.kill(KILL_WAIT);
            }
            maker.set(null);
            threads.shutdownNow();
            if (!quit || closed) {
                profile.delete();
            }
        }
        if (!quit) {
            throw new BackendException("the Firefox that makes the profile template exited with code "
                    + process.exitCode() + "; it printed: " + process.recentOutput());
        }
        if (closed) {
            throw new BackendException("the backend closed while its profile template was being made");
        }
        LOG.log(Level.INFO, "Firefox profile template {0} made in {1} ms", profile,
                String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)));
        return profile;
    }

    /** Kills a Firefox still making the template and removes the template, now or once it is made. */
    void close() {
        closed = true;
        FirefoxProcess running = maker.get();
        if (running != null) {
            running.kill(KILL_WAIT);
        }
        CompletableFuture<FirefoxProfile> future = made.get();
        if (future != null) {
            future.thenAccept(FirefoxProfile::delete);
        }
    }
}
