package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.tensor.Tensor;

/**
 * Closed-loop clients that keep one request in flight each and cycle through a list of jobs (one model, or a
 * mix), recording the latency of every request and where the pool ran it. Windows of it give throughput,
 * latency percentiles and the share of each placement.
 */
public final class LatencyLoad implements AutoCloseable {

    /** One kind of request a client sends. */
    public record Job(String model, Map<String, Tensor> inputs, InferenceOptions options) {
    }

    /** One request that ended with a result. */
    private record Done(long endNanos, double latencyMs, String model, String placement) {
    }

    /**
     * What one window measured.
     *
     * @param perSecond results per second
     * @param p50 median latency, ms
     * @param p95 95th percentile latency, ms
     * @param p99 99th percentile latency, ms
     * @param results results in the window
     * @param placements results by model, backend and provider, e.g. {@code image-classifier chromium/wasm}
     */
    public record Window(double perSecond, double p50, double p95, double p99, int results,
            Map<String, Integer> placements) {
    }

    private final List<Thread> clients = new ArrayList<>();
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    /**
     * Starts the clients; client {@code i} begins with job {@code i mod jobs} and then takes the jobs in turn.
     *
     * @param pool the pool
     * @param jobs the requests to cycle through
     * @param concurrency how many clients
     */
    public LatencyLoad(ResourcePool pool, List<Job> jobs, int concurrency) {
        for (int i = 0; i < concurrency; i++) {
            int first = i;
            Thread t = new Thread(() -> {
                int next = first;
                while (running) {
                    Job job = jobs.get(next++ % jobs.size());
                    long t0 = System.nanoTime();
                    try {
                        InferenceResult r = pool.infer(job.model(), job.inputs(), job.options()).toCompletableFuture()
                                .get(job.options().timeout().toMillis() + 60_000, TimeUnit.MILLISECONDS);
                        long t1 = System.nanoTime();
                        done.add(new Done(t1, (t1 - t0) / 1e6, job.model(),
                                r.backend() + "/" + r.executionProvider().id()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        errors.add(e);
                        return;
                    } catch (Exception e) {
                        errors.add(e);
                    }
                }
            }, "bench-latency-client-" + i);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
    }

    /** @return the errors so far */
    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /** @return results so far */
    public int results() {
        return done.size();
    }

    /**
     * Lets the load run for {@code millis} and forgets what ended meanwhile (sessions load, queues fill).
     *
     * @throws AssertionError when a request failed
     */
    public void settle(long millis) throws InterruptedException {
        Thread.sleep(millis);
        done.clear();
        if (!errors.isEmpty()) {
            throw new AssertionError("requests failed under load: " + errors);
        }
    }

    /**
     * Measures a window: the requests that end during the next {@code millis}. When none has ended by then
     * (requests slower than the window), the window runs on until one ends, at most 180 s; throughput is
     * always results over the window's real length.
     *
     * @return throughput, latency percentiles and placements of the window
     * @throws AssertionError when no request ended within 180 s, or a request failed
     */
    public Window measure(long millis) throws InterruptedException {
        done.clear();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        long limit = t0 + TimeUnit.SECONDS.toNanos(180);
        while (done.isEmpty() && errors.isEmpty() && System.nanoTime() < limit) {
            Thread.sleep(10);
        }
        long t1 = System.nanoTime();
        List<Double> latencies = new ArrayList<>();
        Map<String, Integer> placements = new TreeMap<>();
        for (Done d : done) {
            if (d.endNanos() >= t0 && d.endNanos() <= t1) {
                latencies.add(d.latencyMs());
                placements.merge(d.model() + " " + d.placement(), 1, Integer::sum);
            }
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("requests failed under load: " + errors);
        }
        if (latencies.isEmpty()) {
            throw new AssertionError("no request ended within 180 s");
        }
        double[] values = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        p.setData(values);
        return new Window(values.length / ((t1 - t0) / 1e9), p.evaluate(50), p.evaluate(95), p.evaluate(99),
                values.length, new LinkedHashMap<>(placements));
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
