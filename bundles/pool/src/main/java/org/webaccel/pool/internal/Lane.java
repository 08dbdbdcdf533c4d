package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One backend's own thread: every call into its driver and its lifecycle step run here, one after another, so
 * that a slow or hung driver delays only its own backend.
 */
final class Lane {
    private static final Logger LOG = System.getLogger(Lane.class.getName());

    private final String name;
    private final ExecutorService executor;

    Lane(String name) {
        this.name = name;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "webaccel-backend-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs a task after those queued before it; dropped once the lane has ended. A task that throws is logged. */
    void run(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "backend " + name + ": " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // ended meanwhile: nothing left to do for its backend
        }
    }

    /** Takes no new task and waits up to {@code waitNanos} for the queued ones; a hung one is left behind. */
    void end(long waitNanos) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitNanos, TimeUnit.NANOSECONDS)) {
                LOG.log(Level.WARNING, "backend " + name + ": its driver did not finish closing; left behind");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
