package org.webaccel.backend.chromium.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.webaccel.api.spi.BackendException;

/**
 * The one thread that owns a browser's Playwright objects.
 *
 * <p>Playwright for Java is not thread-safe, and it reads the driver's messages, and so fires its event
 * handlers, only while one of its calls runs on the owning thread. This thread therefore runs every
 * Playwright call of one browser and, between calls, keeps a Playwright wait running (the {@link Pump}) so
 * that a crash or a disconnect is seen within milliseconds rather than at the next call.
 */
final class PlaywrightThread {

    private static final System.Logger LOG = System.getLogger(PlaywrightThread.class.getName());
    /** How long the thread sleeps when there is nothing to pump; only the stop flag is checked meanwhile. */
    private static final long IDLE_MILLIS = 200;

    /** Processes driver messages until {@code stop} answers true; throws when the driver connection fails. */
    @FunctionalInterface
    interface Pump {
        void pumpUntil(BooleanSupplier stop);
    }

    private final Thread thread;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private boolean finished; // guarded by lock: no task is accepted any more
    private volatile boolean stopping;
    private volatile Pump pump;
    private volatile Consumer<RuntimeException> pumpFailure;

    /** @param name the thread's name, which shows in thread dumps */
    PlaywrightThread(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code work} on this thread and waits for it; runs it at once when called from this thread.
     *
     * @param what what the work does, for error messages
     * @param timeout how long to wait
     * @param work the work; it may throw {@link BackendException}
     * @return the work's result
     * @throws BackendException when the work fails, times out or the thread has stopped
     */
    <T> T call(String what, Duration timeout, Callable<T> work) throws BackendException {
        if (Thread.currentThread() == thread) {
            return unwrap(what, work);
        }
        FutureTask<T> task = new FutureTask<>(work);
        synchronized (lock) {
            if (finished) {
                throw new BackendException("cannot " + what + ": the browser is closed");
            }
            tasks.add(task);
        }
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(false);
            throw new BackendException("cannot " + what + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (CancellationException e) {
            throw new BackendException("cannot " + what + ": the browser was closed meanwhile", e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting to " + what, e);
        }
    }

    /**
     * Queues work to run on this thread after the current call or pump; event handlers use it so that
     * listeners never run inside Playwright's message dispatch.
     *
     * @param work the work; failures are logged
     */
    void post(Runnable work) {
        synchronized (lock) {
            if (!finished) {
                tasks.add(work);
            }
        }
    }

    /**
     * @param newPump what to run between calls, or {@code null} for nothing
     * @param onFailure told when the pump throws; the pump is then removed
     */
    void pumpWith(Pump newPump, Consumer<RuntimeException> onFailure) {
        pumpFailure = onFailure;
        pump = newPump;
    }

    /** @return whether the caller is this thread */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Runs what is queued, then ends the thread; waits for that unless called from this thread. */
    void stop(Duration timeout) {
        stopping = true;
        if (isCurrent()) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "{0} still runs {1} ms after it was asked to stop", thread.getName(),
                    String.valueOf(timeout.toMillis()));
        }
    }

    private void run() {
        try {
            while (true) {
                Runnable task = tasks.poll();
                if (task == null) {
                    if (stopping) {
                        break;
                    }
                    Pump current = pump;
                    if (current != null) {
                        pump(current);
                        continue;
                    }
                    task = tasks.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                    if (task == null) {
                        continue;
                    }
                }
                runQuietly(task);
            }
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "{0} interrupted", thread.getName());
        } finally {
            List<Runnable> abandoned = new ArrayList<>();
            synchronized (lock) {
                finished = true;
                tasks.drainTo(abandoned);
            }
            abandoned.forEach(PlaywrightThread::cancel);
        }
    }

    private void pump(Pump current) {
        try {
            current.pumpUntil(() -> stopping || !tasks.isEmpty() || pump != current);
        } catch (RuntimeException e) {
            if (pump == current) {
                pump = null;
                pumpFailure.accept(e);
            }
        }
    }

    private void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "work on " + thread.getName() + " failed", e);
        }
    }

    private static void cancel(Runnable task) {
        if (task instanceof FutureTask<?> future) {
            future.cancel(false);
        }
    }

    private static <T> T unwrap(String what, Callable<T> work) throws BackendException {
        try {
            return work.call();
        } catch (Exception e) {
            throw failure(what, e);
        }
    }

    private static BackendException failure(String what, Throwable cause) {
        if (cause instanceof BackendException backend) {
            return backend;
        }
        return new BackendException("cannot " + what + ": " + Failures.firstLine(cause), cause);
    }
}
