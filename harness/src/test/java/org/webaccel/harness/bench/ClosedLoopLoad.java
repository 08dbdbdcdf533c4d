package org.webaccel.harness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.tensor.Tensor;

/**
 * Clients that each keep one request in flight: submit, wait for the answer, submit again. Counts every
 * request that ended, and keeps every error, so that nothing lost goes unnoticed.
 */
public final class ClosedLoopLoad implements AutoCloseable {
    private final List<Thread> clients = new ArrayList<>();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    /**
     * Starts the clients.
     *
     * @param pool the pool
     * @param model the model every request runs
     * @param inputs the inputs every request sends
     * @param concurrency how many clients
     */
    public ClosedLoopLoad(ResourcePool pool, String model, Map<String, Tensor> inputs, int concurrency) {
        InferenceOptions options = InferenceOptions.defaults().withTimeout(Duration.ofSeconds(120));
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                while (running) {
                    submitted.incrementAndGet();
                    try {
                        pool.infer(model, inputs, options).toCompletableFuture().get(180, TimeUnit.SECONDS);
                        succeeded.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        errors.add(e);
                        return;
                    } catch (Exception e) {
                        errors.add(e);
                    }
                }
            }, "bench-client-" + i);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
    }

    /** @return requests that ended with a result so far */
    public long succeeded() {
        return succeeded.get();
    }

    /** @return requests submitted so far */
    public long submitted() {
        return submitted.get();
    }

    /** @return the errors so far */
    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /**
     * Counts results during {@code millis}.
     *
     * @return results per second
     */
    public double measure(long millis) throws InterruptedException {
        long before = succeeded.get();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        long after = succeeded.get();
        return (after - before) / ((System.nanoTime() - t0) / 1e9);
    }

    /** Stops submitting and waits for every client's last request to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : clients) {
            t.join(TimeUnit.SECONDS.toMillis(200));
            if (t.isAlive()) {
                errors.add(new IllegalStateException(t.getName() + " still waits for its request"));
            }
        }
    }
}
