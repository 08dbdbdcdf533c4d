package org.webaccel.backend.support;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import org.webaccel.api.spi.BackendException;

/**
 * The one thread that runs every call of one browser's driver.
 *
 * <p>Driver clients are not thread-safe: Playwright for Java must be used from one thread, and a WebDriver
 * session has one current window, so its commands must not interleave. The pool's threads hand their work
 * to this thread and wait for it, up to a timeout. Between calls the thread runs what the backend asks for:
 * a {@link Pump}, for a client that reads its driver's messages, and so fires its events, only while one of
 * its calls runs (Playwright); and {@linkplain #every repeated work}, such as a session's watch.
 */
public final class DriverThread {

    private static final System.Logger LOG = System.getLogger(DriverThread.class.getName());
    /** How long an idle thread waits for work before it looks at its stop flag and its schedule again. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Runnable WAKE_UP = () -> {
    };

    /** Processes a driver's messages until {@code stop} answers true; throws when the driver connection fails. */
    @FunctionalInterface
    public interface Pump {
        /** @param stop answers true once the thread has other work, or must end */
        void pumpUntil(BooleanSupplier stop);
    }

    /** Work that runs again a fixed delay after each run has ended, until it is cancelled. */
    public static final class Repetition {
        private final Duration interval;
        private final Runnable work;
        private volatile long due;
        private volatile boolean cancelled;

        private Repetition(Duration interval, Runnable work) {
            this.interval = interval;
            this.work = work;
            this.due = System.nanoTime() + interval.toNanos();
        }

        /** Runs the work no more; a run under way finishes. */
        public void cancel() {
            cancelled = true;
        }

        private boolean isDue(long now) {
            return !cancelled && now - due >= 0;
        }
    }

    /** The thread's own name, for messages: Selenium's HTTP client renames the thread while a request runs. */
    private final String name;
    private final Function<Throwable, String> describe;
    private final Thread thread;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final List<Repetition> repetitions = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private boolean finished; // guarded by lock: no task is accepted any more
    private volatile boolean stopping;
    private volatile Pump pump;
    private volatile Consumer<RuntimeException> pumpFailure;

    /**
     * Starts the thread; it inherits the caller's context class loader.
     *
     * @param name the thread's name, which shows in thread dumps
     * @param describe says in one line what a failure of the driver was, for error messages
     */
    public DriverThread(String name, Function<Throwable, String> describe) {
        this(name, describe, Thread.currentThread().getContextClassLoader());
    }

    /**
     * Starts the thread.
     *
     * @param name the thread's name, which shows in thread dumps
     * @param describe says in one line what a failure of the driver was, for error messages
     * @param contextLoader the thread's context class loader: a driver that finds its parts through
     *        {@link java.util.ServiceLoader} looks there, and inside a framework only the backend's own loader
     *        sees its private copy of the driver
     */
    public DriverThread(String name, Function<Throwable, String> describe, ClassLoader contextLoader) {
        this.name = name;
        this.describe = describe;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(contextLoader);
        thread.start();
    }

    /**
     * Runs {@code work} on this thread and waits for it. Runs it at once when called from this thread, so
     * that an event listener called here may call back (the pool closes a browser from inside browserDied).
     *
     * @param what what the work does, for error messages: "cannot <i>what</i>: ..."
     * @param timeout how long to wait
     * @param work the work; it may throw {@link BackendException}, which is passed on as it is
     * @return the work's result
     * @throws BackendException when the work fails, times out or the thread has stopped
     */
    public <T> T call(String what, Duration timeout, Callable<T> work) throws BackendException {
        if (isCurrent()) {
            try {
                return work.call();
            } catch (Exception e) {
                throw failure(what, e);
            }
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
     * Queues work to run after what is queued already. Event handlers use it so that listeners never run
     * inside a driver's message dispatch. Dropped once the thread has ended.
     *
     * @param work the work; failures are logged
     */
    public void post(Runnable work) {
        synchronized (lock) {
            if (!finished) {
                tasks.add(work);
                return;
            }
        }
        LOG.log(Level.DEBUG, "{0} has stopped; dropped late work", name);
    }

    /**
     * Runs {@code work} every {@code interval}, counted from the end of its previous run, whenever no call is
     * under way; the first run is one interval from now. Repetitions end when the thread is asked to stop.
     *
     * @param interval the delay between runs
     * @param work the work; failures are logged and do not end the repetition
     * @return the handle that cancels it
     */
    public Repetition every(Duration interval, Runnable work) {
        Repetition repetition = new Repetition(interval, work);
        repetitions.add(repetition);
        return repetition;
    }

    /**
     * Makes the thread run {@code newPump} whenever it has nothing else to do.
     *
     * @param newPump what to run between calls
     * @param onFailure told, on this thread, when the pump throws; the pump is then removed
     */
    public void pumpWith(Pump newPump, Consumer<RuntimeException> onFailure) {
        pumpFailure = onFailure;
        pump = newPump;
    }

    /** Runs no pump any more; a pump under way returns at its next look at its stop condition. */
    public void stopPumping() {
        pump = null;
    }

    /** @return whether the caller is this thread */
    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs what is queued, then ends the thread; repetitions and the pump run no more. Waits for the end
     * unless called from this thread, which cannot wait for itself.
     *
     * @param wait how long to wait; {@link Duration#ZERO} for not at all
     */
    public void stop(Duration wait) {
        stopping = true;
        synchronized (lock) {
            if (!finished) {
                tasks.add(WAKE_UP); // an idle thread would only see the flag at its next look
            }
        }
        if (isCurrent() || wait.isZero()) {
            return;
        }
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "{0} still runs {1} ms after it was asked to stop", name,
                    String.valueOf(wait.toMillis()));
        }
    }

    private void run() {
        try {
            while (true) {
                runDueRepetitions();
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
                    task = tasks.poll(idleNanos(), TimeUnit.NANOSECONDS);
                    if (task == null) {
                        continue;
                    }
                }
                runLogged(task);
            }
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "{0} interrupted", name);
        } finally {
            List<Runnable> abandoned = new ArrayList<>();
            synchronized (lock) {
                finished = true;
                tasks.drainTo(abandoned);
            }
            // callers still waiting for these hear that the browser was closed meanwhile
            abandoned.forEach(DriverThread::cancel);
        }
    }

    private void pump(Pump current) {
        try {
            current.pumpUntil(() -> stopping || !tasks.isEmpty() || pump != current || isRepetitionDue());
        } catch (RuntimeException e) {
            if (pump == current) {
                pump = null;
                pumpFailure.accept(e);
            }
        }
    }

    /** Runs before queued work, so that a steady stream of calls cannot starve a session's watch. */
    private void runDueRepetitions() {
        if (stopping) {
            return;
        }
        for (Repetition repetition : repetitions) {
            if (repetition.cancelled) {
                repetitions.remove(repetition);
            } else if (repetition.isDue(System.nanoTime())) {
                runLogged(repetition.work);
                repetition.due = System.nanoTime() + repetition.interval.toNanos();
            }
        }
    }

    private boolean isRepetitionDue() {
        long now = System.nanoTime();
        return !stopping && repetitions.stream().anyMatch(repetition -> repetition.isDue(now));
    }

    /** @return how long to wait for work: until the next repetition is due, and never longer than the idle wait */
    private long idleNanos() {
        long now = System.nanoTime();
        long wait = IDLE_NANOS;
        for (Repetition repetition : repetitions) {
            if (!repetition.cancelled) {
                wait = Math.min(wait, Math.max(0, repetition.due - now));
            }
        }
        return wait;
    }

    private void runLogged(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "work on " + name + " failed", e);
        }
    }

    private static void cancel(Runnable task) {
        if (task instanceof FutureTask<?> future) {
            future.cancel(false);
        }
    }

    private BackendException failure(String what, Throwable cause) {
        if (cause instanceof BackendException backend) {
            return backend;
        }
        return new BackendException("cannot " + what + ": " + describe.apply(cause), cause);
    }
}
