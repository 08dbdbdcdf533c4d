package org.webaccel.harness.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.PoolServices;
import org.webaccel.harness.TestInputs;

/**
 * The pool as the benchmark drives it, through the public API only: its shape (browsers and pages of the
 * benchmark's backend), inputs for the models, and timed inferences.
 */
public final class BenchPool {
    /** Wall-clock time of one inference and the pool's own account of it. */
    public record Timed(double wallMs, InferenceResult result) {
    }

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final ModelRepository repository;
    private final RecordingBackend browsers;
    private final String backend;
    private volatile ResourcePool pool;
    private ServiceRegistration<BrowserBackend> registration;
    private Map<String, Object> shape = Map.of();

    /**
     * @param context the framework
     * @param cm where the pool's configuration is changed
     * @param repository the models
     * @param browsers the backend whose workers the benchmark uses; registered by {@link #reshape}
     */
    public BenchPool(BundleContext context, ConfigurationAdmin cm, ModelRepository repository,
            RecordingBackend browsers) {
        this.context = context;
        this.cm = cm;
        this.repository = repository;
        this.browsers = browsers;
        this.backend = browsers.describe().name();
    }

    /** @return the pool service */
    public ResourcePool pool() throws InterruptedException {
        ResourcePool p = pool;
        if (p == null) {
            p = PoolServices.pool(context);
            pool = p;
        }
        return p;
    }

    /** @return the model's descriptor */
    public ModelDescriptor model(String name) {
        return repository.find(name, null).orElseThrow(() -> new IllegalStateException("no model " + name
                + " in " + repository.list()));
    }

    /**
     * @param name model name
     * @param sequence the size of every symbolic dimension other than batch (sequence, frames), or 0 for the
     *        descriptor's example size
     * @param seed the random seed
     * @return seeded random inputs of batch 1
     */
    public Map<String, Tensor> inputs(String name, int sequence, long seed) {
        ModelDescriptor m = model(name);
        if (sequence > 0) {
            Map<String, Long> dims = new HashMap<>(m.exampleDims());
            dims.replaceAll((k, v) -> k.equals("batch") ? v : sequence);
            m = new ModelDescriptor(m.name(), m.version(), m.type(), m.description(), m.inputs(), m.outputs(), dims);
        }
        return TestInputs.random(m, seed, 1);
    }

    /** @return the ONNX file of a model, for the native reference */
    public java.nio.file.Path file(String name) {
        return repository.modelFile(model(name));
    }

    /** Runs one inference on wasm and times it from submission to result. */
    public Timed infer(String model, Map<String, Tensor> inputs) throws Exception {
        long t0 = System.nanoTime();
        InferenceResult r = pool().infer(model, inputs, InferenceOptions.defaults().withTimeout(Duration.ofSeconds(120)))
                .toCompletableFuture().get(180, TimeUnit.SECONDS);
        return new Timed((System.nanoTime() - t0) / 1e6, r);
    }

    /** @return the benchmark backend's workers that are connected (idle or busy) */
    public List<WorkerInfo> connected() throws InterruptedException {
        return pool().workers().stream().filter(w -> w.backend().equals(backend))
                .filter(w -> w.state().equals("idle") || w.state().equals("busy")).toList();
    }

    /**
     * Gives the benchmark backend exactly {@code browsers} browsers of {@code pages} pages each, all fresh: the
     * backend's service is withdrawn, so the pool closes its browsers as it does for a removed backend bundle,
     * the pool is reconfigured, and the service registered again.
     */
    public void reshape(int browsers, int pages) throws Exception {
        reshape(browsers, pages, Map.of());
    }

    /** As {@link #reshape(int, int)}, with further settings, e.g. {@code sparePages}. */
    public void reshape(int browsers, int pages, Map<String, Object> extra) throws Exception {
        ResourcePool p = pool();
        unregister();
        await(() -> p.backends().stream().noneMatch(b -> b.description().name().equals(backend))
                && p.workers().stream().noneMatch(w -> w.backend().equals(backend)), 120,
                "backend " + backend + " to be gone");
        Map<String, Object> props = new HashMap<>();
        props.put("minWorkers", browsers * pages);
        props.put("maxBrowsers", browsers);
        props.put("maxPagesPerBrowser", pages);
        props.put("maintenanceIntervalSeconds", 1);
        props.putAll(extra);
        shape = Map.copyOf(props);
        pool = PoolServices.reconfigure(context, cm, props);
        Hashtable<String, Object> service = new Hashtable<>();
        service.put(BrowserBackend.NAME_PROPERTY, backend);
        synchronized (this) {
            registration = context.registerService(BrowserBackend.class, this.browsers, service);
        }
        awaitShape(browsers, pages, 180);
    }

    /**
     * Changes the pool's configuration while keeping the shape of the last {@link #reshape} (and its browsers).
     *
     * @param extra settings added to the shape's, e.g. {@code batchMaxSize}
     */
    public void reconfigure(Map<String, Object> extra) throws Exception {
        Map<String, Object> props = new HashMap<>(shape);
        props.putAll(extra);
        pool = PoolServices.reconfigure(context, cm, props);
    }

    /**
     * Sets the queue's capacity alone (which {@link #reconfigure} uses to see its own updates arrive) and waits
     * until the pool has it.
     */
    public void queueCapacity(int capacity) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getConfiguration("org.webaccel.pool", "?");
        java.util.Dictionary<String, Object> props = c.getProperties();
        props.put("queueCapacity", capacity);
        c.update(props);
        await(() -> pool().status().queueCapacity() == capacity, 60, "a queue of " + capacity);
    }

    /** @return the benchmark backend's spare pages that are connected */
    public long spares() throws InterruptedException {
        return pool().workers().stream().filter(w -> w.backend().equals(backend) && w.state().equals("spare")).count();
    }

    /** @return requests completed by the benchmark backend's workers, as the pool counts them (browser calls) */
    public long served() throws InterruptedException {
        return pool().workers().stream().filter(w -> w.backend().equals(backend)).mapToLong(WorkerInfo::served).sum();
    }

    /** Withdraws the benchmark backend's service, if registered: the pool closes its browsers. */
    public synchronized void unregister() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    /** Waits until the benchmark backend has {@code browsers x pages} connected workers. */
    public void awaitShape(int browsers, int pages, int seconds) throws Exception {
        await(() -> {
            List<WorkerInfo> w = connected();
            return w.size() == browsers * pages && w.stream().map(WorkerInfo::browser).distinct().count() == browsers;
        }, seconds, browsers + " browsers of " + pages + " pages");
    }

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    public interface Condition {
        /** @return whether it holds */
        boolean holds() throws Exception;
    }

    /**
     * Polls {@code condition} every 10 ms.
     *
     * @throws AssertionError naming {@code what} and the pool's workers when it does not hold in time
     */
    public void await(Condition condition, int seconds, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + seconds + " s for " + what + ": " + pool().workers() + " "
                        + pool().backends());
            }
            Thread.sleep(10);
        }
    }
}
