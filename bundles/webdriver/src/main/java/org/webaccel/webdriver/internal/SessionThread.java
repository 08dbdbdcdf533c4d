package org.webaccel.webdriver.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.webaccel.api.spi.BackendException;

/**
 * The one thread that makes every WebDriver call of one session. A WebDriver session is not thread-safe
 * (it has one current window, and commands must not interleave), so the pool's threads hand their work to
 * this thread and wait for it; the periodic watch runs here too, between their calls.
 *
 * <p>The thread's context class loader is this bundle's: Selenium finds its HTTP client and codecs
 * through {@link java.util.ServiceLoader}, which looks there, and inside a framework the caller's context
 * loader (if any) cannot see Selenium's private copy.
 */
final class SessionThread {

    private static final System.Logger LOG = System.getLogger(SessionThread.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private final Thread thread;
    /** The thread's own name: Selenium's HTTP client renames the thread while a request runs. */
    private final String name;

    /** @param name the thread's name, which shows in thread dumps */
    SessionThread(String name) {
        this.name = name;
        ClassLoader seleniumLoader = SessionThread.class.getClassLoader();
        Thread[] created = new Thread[1];
        executor = new ScheduledThreadPoolExecutor(1, work -> {
            Thread t = new Thread(work, name);
            t.setDaemon(true);
            t.setContextClassLoader(seleniumLoader);
            created[0] = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.prestartCoreThread();
        thread = created[0];
    }

    /**
     * Runs {@code work} on this thread and waits for it; runs it at once when called from this thread, so
     * that event listeners called here may call back (a pool closes a browser from inside browserDied).
     *
     * @param what what the work does, for error messages
     * @param timeout how long to wait
     * @param work the work
     * @return the work's result
     * @throws BackendException when the work fails, times out or the session's thread has stopped
     */
    <T> T call(String what, Duration timeout, Callable<T> work) throws BackendException {
        if (isCurrent()) {
            try {
                return work.call();
            } catch (Exception e) {
                throw failure(what, e);
            }
        }
        Future<T> task;
        try {
            task = executor.submit(work);
        } catch (RejectedExecutionException e) {
            throw new BackendException("cannot " + what + ": the session is closed");
        }
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(false);
            throw new BackendException("cannot " + what + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (CancellationException e) {
            throw new BackendException("cannot " + what + ": the session was closed meanwhile", e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting to " + what, e);
        }
    }

    /** Queues work after what is queued already; ignored once the thread has stopped. Failures are logged. */
    void post(Runnable work) {
        try {
            executor.execute(() -> runLogged(work));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "{0} has stopped; dropped late work", name);
        }
    }

    /**
     * Runs {@code work} every {@code interval} (after the previous run has ended) until cancelled.
     *
     * @return the handle that cancels it
     */
    ScheduledFuture<?> every(Duration interval, Runnable work) {
        long millis = interval.toMillis();
        return executor.scheduleWithFixedDelay(() -> runLogged(work), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** @return whether the caller is this thread */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Lets queued work finish, then ends the thread; waits for that unless called from this thread. */
    void stop(Duration wait) {
        executor.shutdown();
        if (isCurrent()) {
            return;
        }
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "{0} still runs {1} ms after it was asked to stop", name,
                        String.valueOf(wait.toMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLogged(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "work on " + name + " failed", e);
        }
    }

    private static BackendException failure(String what, Throwable cause) {
        if (cause instanceof BackendException backend) {
            return backend;
        }
        return new BackendException("cannot " + what + ": " + Failures.summary(cause), cause);
    }
}
