package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.Pressure;
import org.webaccel.api.Scaling;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.api.transport.WorkerEndpoint;
import org.webaccel.api.model.ModelRef;

/**
 * The {@link ResourcePool}: launches browsers on every available backend, opens worker pages in them, and
 * runs requests on those pages through the bridge.
 */
@Component(service = ResourcePool.class, configurationPid = "org.webaccel.pool")
@Designate(ocd = PoolConfig.class)
public final class WorkerPool implements ResourcePool {
    private static final Logger LOG = System.getLogger(WorkerPool.class.getName());

    private volatile PoolConfig config;
    private volatile Lifecycle lifecycle;
    private final WorkerBridge bridge;
    private final ModelRepository models;
    private volatile InputValidator validator;
    private java.util.concurrent.ScheduledFuture<?> maintenance;
    private final ScheduledExecutorService executor;
    private final Dispatcher dispatcher;
    private final RequestBytes requestMemory;
    private final Map<BrowserBackend, BackendRuntime> backends = new ConcurrentHashMap<>();
    private final AtomicLong requestSeq = new AtomicLong();
    private final AtomicInteger pageSeq = new AtomicInteger();
    private volatile boolean stopped;
    private final HistoryRecorder history;
    private final java.util.ArrayDeque<String> decisions = new java.util.ArrayDeque<>();
    private volatile String lastRefusal;
    private final SharedTensors sharedTensors;
    private final org.osgi.framework.ServiceRegistration<org.webaccel.api.tensors.TensorSharing> sharing;

    /** The performance history, when a metrics bundle is installed; recording never waits for it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsStore metrics;

    /** Where requests go, when the scheduler bundle is installed; without it, the pool's simple rule. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PlacementPolicy placement;

    /** Circuit breakers and health scores, when the breaker bundle is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    /**
     * @param config sizes and limits
     * @param bridge where worker pages connect
     * @param models the models the pool can run
     * @param context where the pool registers its {@link org.webaccel.api.tensors.TensorSharing} service
     */
    @Activate
    public WorkerPool(PoolConfig config, @Reference WorkerBridge bridge, @Reference ModelRepository models,
            org.osgi.framework.BundleContext context) {
        this.config = config;
        this.lifecycle = Lifecycle.of(config);
        this.history = new HistoryRecorder(() -> metrics, this::browserVersion);
        this.bridge = bridge;
        this.models = models;
        this.validator = new InputValidator(config.maxInputBytes());
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "webaccel-pool");
            t.setDaemon(true);
            return t;
        });
        // A timer cancelled because its request ended leaves the queue at once, and with it the request.
        scheduler.setRemoveOnCancelPolicy(true);
        this.executor = scheduler;
        this.requestMemory = new RequestBytes(megabytes(config.requestMemoryMegabytes()));
        this.dispatcher = new Dispatcher(config.queueCapacity(), Math.max(1, config.maxAttempts()),
                TimeUnit.SECONDS.toNanos(config.hangGraceSeconds()), executor, requestMemory,
                w -> workerGone(w, FailureClass.HANG, "worker hung: no answer " + this.config.hangGraceSeconds()
                        + " s past its request's deadline"),
                this::closeDrained, this::retireAfterRun, this::restartBrowser);
        dispatcher.health(() -> health);
        dispatcher.policy(() -> placement);
        dispatcher.settings(ModelSettings.of(config));
        this.sharedTensors = new SharedTensors(this, config.sharedTensorBudgetBytes());
        // Registered by the pool itself: sharing runs through the pool's own requests and workers.
        this.sharing = context.registerService(org.webaccel.api.tensors.TensorSharing.class, sharedTensors, null);
        scheduleMaintenance();
    }

    private static long megabytes(long mb) {
        return Math.max(0, mb) * 1024 * 1024;
    }

    @Override
    public org.webaccel.api.RequestMemory requestMemory() {
        return requestMemory;
    }

    /** @return tasks waiting on the pool's scheduler: the maintenance step and every armed timer */
    int scheduledTasks() {
        return ((java.util.concurrent.ScheduledThreadPoolExecutor) executor).getQueue().size();
    }

    /**
     * Applies a new configuration to the running pool: browsers, pages and queued requests stay; the
     * lifecycle step moves the pool towards the new sizes (opening pages, or closing idle surplus ones).
     *
     * @param config the new configuration
     */
    @Modified
    void modified(PoolConfig config) {
        this.config = config;
        this.lifecycle = Lifecycle.of(config);
        this.validator = new InputValidator(config.maxInputBytes());
        dispatcher.limits(config.queueCapacity(), Math.max(1, config.maxAttempts()),
                TimeUnit.SECONDS.toNanos(config.hangGraceSeconds()));
        requestMemory.budget(megabytes(config.requestMemoryMegabytes()));
        try {
            dispatcher.settings(ModelSettings.of(config));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "per-model settings not applied, the previous ones stay: " + e.getMessage());
        }
        try {
            sharedTensors.budget(config.sharedTensorBudgetBytes());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "shared tensor budget not applied, the previous one stays: " + e.getMessage());
        }
        scheduleMaintenance();
        LOG.log(Level.INFO, "pool reconfigured: " + lifecycle);
    }

    private synchronized void scheduleMaintenance() {
        if (maintenance != null) {
            maintenance.cancel(false);
        }
        long every = Math.max(1, config.maintenanceIntervalSeconds());
        maintenance = executor.scheduleWithFixedDelay(this::maintainAll, 0, every, TimeUnit.SECONDS);
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * A backend appeared: probe it in the background; the maintenance loop then opens its workers.
     *
     * @param backend the backend service
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(BrowserBackend backend, Map<String, Object> properties) {
        Object name = properties.get(BrowserBackend.NAME_PROPERTY);
        String n = name == null ? "backend-" + properties.get("service.id") : name.toString();
        BackendRuntime runtime = new BackendRuntime(backend, n, this);
        backends.put(backend, runtime);
        execute(() -> {
            runtime.probe();
            runtime.maintain(System.nanoTime());
        });
    }

    /**
     * A backend went away (its bundle stopped or was uninstalled): drain it, so that its running requests
     * finish or move to other workers, then close its browsers.
     *
     * @param backend the backend service
     */
    void unbindBackend(BrowserBackend backend) {
        BackendRuntime runtime = backends.remove(backend);
        if (runtime != null) {
            runtime.stop("backend " + runtime.name() + " removed", lifecycle.drainTimeoutNanos());
        }
    }

    @Override
    public CompletionStage<InferenceResult> infer(String model, Map<String, Tensor> inputs, InferenceOptions options) {
        try {
            Request r = submit(model, inputs, options, null);
            // A copy, so that a caller completing its stage cannot end the pool's request.
            return r.result.copy();
        } catch (org.webaccel.api.RejectedException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InferenceException e) {
            dispatcher.countRejected();
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Submits a request that shares tensors as {@code sharing} says.
     *
     * @return completes with the request once it succeeded, or fails as it did
     */
    CompletableFuture<Request> infer(String model, Map<String, Tensor> inputs, InferenceOptions options,
            SharedTensors.Sharing sharing) {
        try {
            Request r = submit(model, inputs, options, sharing);
            return r.result.thenApply(result -> r);
        } catch (org.webaccel.api.RejectedException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InferenceException e) {
            dispatcher.countRejected();
            return CompletableFuture.failedFuture(e);
        }
    }

    private Request submit(String model, Map<String, Tensor> inputs, InferenceOptions options,
            SharedTensors.Sharing sharing) {
        ModelDescriptor d = resolve(model);
        validator.validate(d, inputs, sharing == null ? Map.of() : sharing.references());
        Request r = new Request(requestSeq.incrementAndGet(), d, inputs == null ? Map.of() : inputs,
                options == null ? InferenceOptions.defaults() : options, System.nanoTime());
        if (sharing != null) {
            sharing.applyTo(r);
        }
        dispatcher.submit(r);
        r.result.whenComplete((result, error) -> history.record(r, result, error));
        return r;
    }

    private ModelDescriptor resolve(String model) {
        ModelRef ref;
        try {
            ref = ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw new ModelNotFoundException(e.getMessage() + "; known models: " + knownModels());
        }
        Optional<ModelDescriptor> d = models.find(ref.name(), ref.version());
        return d.orElseThrow(() -> new ModelNotFoundException("unknown model '" + model + "'; known models: "
                + knownModels()));
    }

    private String knownModels() {
        return models.list().stream().map(ModelDescriptor::id).toList().toString();
    }

    private String browserVersion(String backend) {
        return backends.values().stream().filter(b -> b.name().equals(backend)).findFirst()
                .map(b -> b.description().browserVersion()).orElse("");
    }

    @Override
    public List<ModelDescriptor> models() {
        return models.list();
    }

    @Override
    public PoolStatus status() {
        return dispatcher.status();
    }

    @Override
    public Pressure pressure() {
        PoolStatus s = dispatcher.status();
        Lifecycle l = lifecycle;
        long memory = browserMemory();
        String reason = stopped ? "the pool is stopping"
                : s.queued() >= s.queueCapacity() ? "the queue is full (" + s.queued() + " waiting)"
                : requestMemory.heldBytes() >= requestMemory.budgetBytes() ? "the request memory is full ("
                        + requestMemory.heldBytes() / (1024 * 1024) + " MiB held)"
                : s.workers() + s.starting() == 0 ? "no worker is connected or starting"
                : "";
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double load = os.getSystemLoadAverage();
        double cpu = load < 0 ? -1 : load / Math.max(1, os.getAvailableProcessors());
        long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Pressure(java.time.Instant.now(), reason.isEmpty(), reason, s.busy(), s.queued(),
                s.queueCapacity(), dispatcher.rejectedLastMinute(), s.workers(), s.starting(), cpu, memory,
                l.memoryBudgetBytes(), heap);
    }

    @Override
    public Scaling scaling() {
        Lifecycle l = lifecycle;
        Map<String, Integer> targets = new java.util.TreeMap<>();
        backends.values().forEach(b -> targets.put(b.name(), b.target(l)));
        List<String> recent;
        synchronized (decisions) {
            recent = List.copyOf(decisions);
        }
        return new Scaling(l.minWorkers(), l.maxWorkers(), TimeUnit.NANOSECONDS.toMillis(l.targetQueueWaitNanos()),
                l.memoryBudgetBytes(), browserMemory(),
                TimeUnit.NANOSECONDS.toMillis(dispatcher.oldestQueuedNanos(System.nanoTime())), targets, recent);
    }

    @Override
    public List<WorkerInfo> workers() {
        return dispatcher.workers();
    }

    @Override
    public List<BackendStatus> backends() {
        return backends.values().stream().map(BackendRuntime::status).toList();
    }

    @Override
    public void drain(String backend) {
        runtime(backend).drain();
    }

    @Override
    public void resume(String backend) {
        runtime(backend).resume();
    }

    private BackendRuntime runtime(String name) {
        return backends.values().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend '" + name + "'; backends are "
                        + backends.values().stream().map(BackendRuntime::name).sorted().toList()));
    }

    void execute(Runnable task) {
        if (!stopped) {
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The pool stopped between the check and the call: nothing left to do.
            }
        }
    }

    void maintainSoon(BackendRuntime runtime) {
        execute(() -> runtime.maintain(System.nanoTime()));
    }

    /** Records a scaling decision with its reason: logged, and kept for {@code pool:scale}. */
    void decision(String text) {
        LOG.log(Level.INFO, text);
        synchronized (decisions) {
            decisions.addLast(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + text);
            while (decisions.size() > 20) {
                decisions.removeFirst();
            }
        }
    }

    /**
     * The scaling controller, once per lifecycle step: when the oldest queued request has waited past the
     * target, every backend in service below its maximum gets one more worker (a page where a browser has room,
     * else a browser), unless the browsers' memory is over the budget. Idle workers above the minimum are
     * closed by the lifecycle step, which lowers the target with them.
     */
    private void autoscale(long now) {
        Lifecycle l = lifecycle;
        if (!l.scales()) {
            return;
        }
        long waited = dispatcher.oldestQueuedNanos(now);
        if (waited <= l.targetQueueWaitNanos()) {
            return;
        }
        long memory = browserMemory();
        String wait = TimeUnit.NANOSECONDS.toMillis(waited) + " ms (target "
                + TimeUnit.NANOSECONDS.toMillis(l.targetQueueWaitNanos()) + " ms)";
        if (l.memoryBudgetBytes() > 0 && memory >= l.memoryBudgetBytes()) {
            String why = "not scaling up although the oldest request waited " + wait + ": browsers use "
                    + memory / (1024 * 1024) + " MiB of the " + l.memoryBudgetBytes() / (1024 * 1024) + " MiB budget";
            if (!why.equals(lastRefusal)) {
                lastRefusal = why;
                decision(why);
            }
            return;
        }
        for (BackendRuntime b : backends.values()) {
            int t = b.scaleUp(l);
            if (t > 0) {
                decision("scaled " + b.name() + " up to " + t + " workers: the oldest request waited " + wait
                        + "; browsers use " + memory / (1024 * 1024) + " MiB");
            }
        }
    }

    private long browserMemory() {
        return backends.values().stream().mapToLong(BackendRuntime::residentBytes).sum();
    }

    private void maintainAll() {
        long now = System.nanoTime();
        autoscale(now);
        HealthMonitor monitor = health;
        for (BackendRuntime b : backends.values()) {
            try {
                b.maintain(now);
                b.readMemory(monitor);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "lifecycle step of backend " + b.name() + " failed", e);
            }
        }
    }

    void openWorker(BrowserHost host) {
        if (stopped || !host.acceptsPages() || host.backend.isClosedForWork()) {
            return;
        }
        Worker w = new Worker(host.id + "-p" + pageSeq.incrementAndGet(), host);
        host.workers.add(w);
        dispatcher.workerOpened(w);
        WorkerEndpoint endpoint = bridge.openEndpoint(w.id);
        try {
            w.page = host.browser.openPage(endpoint.pageUrl());
        } catch (BackendException | RuntimeException e) {
            endpoint.revoke();
            host.backend.recordError("opening a page in " + host.id + " failed: " + e.getMessage());
            workerGone(w, FailureClass.CONNECTION_LOST, "opening its page failed: " + e.getMessage());
            return;
        }
        endpoint.connected().toCompletableFuture()
                .orTimeout(config.connectTimeoutSeconds(), TimeUnit.SECONDS)
                .whenComplete((channel, error) -> connected(w, endpoint, channel, error));
    }

    private void connected(Worker w, WorkerEndpoint endpoint, WorkerChannel channel, Throwable error) {
        if (error != null) {
            endpoint.revoke();
            String why = error instanceof java.util.concurrent.TimeoutException
                    ? "page did not connect within " + config.connectTimeoutSeconds() + " s"
                    : "page did not connect: " + error.getMessage();
            w.host.backend.recordError(w.id + ": " + why);
            workerGone(w, FailureClass.CONNECTION_LOST, why);
            return;
        }
        w.channel = channel;
        channel.onClose(reason -> workerGone(w, closeClass(w, reason), reason));
        LOG.log(Level.INFO, "worker " + w.id + " connected: ONNX Runtime Web " + channel.capabilities().ortVersion()
                + ", webgpu " + channel.capabilities().webgpu().available());
        dispatcher.workerReady(w);
    }

    /**
     * Called under the dispatcher's lock after each successful run: past the browser's request limit, the
     * browser starts recycling and this worker retires at once; the maintenance step drains its siblings
     * and launches the replacement.
     */
    private boolean retireAfterRun(Worker w) {
        BrowserHost host = w.host;
        if (host.recycling == null) {
            String why = lifecycle.requestLimitReason(host);
            if (why == null) {
                return false;
            }
            host.recycling = why;
            maintainSoon(host.backend);
        }
        return true;
    }

    /** Stops giving a worker new requests; it closes now if idle, else when its request ends. */
    void drain(Worker w) {
        if (dispatcher.drain(w)) {
            closeDrained(w);
        }
    }

    boolean reapIfIdle(Worker w, long idleBeforeNanos) {
        if (dispatcher.reapIfIdle(w, idleBeforeNanos)) {
            LOG.log(Level.INFO, "closing idle worker " + w.id);
            closeDrained(w);
            return true;
        }
        return false;
    }

    /** Closes a worker the dispatcher has already taken out; it holds no request. */
    private void closeDrained(Worker w) {
        if (remove(w)) {
            close(w, "worker drained");
            maintainSoon(w.host.backend);
        }
    }

    private boolean remove(Worker w) {
        if (!w.host.workers.remove(w)) {
            return false;
        }
        w.host.servedByClosedPages.addAndGet(w.served.get());
        HealthMonitor monitor = health;
        if (monitor != null) {
            monitor.forget(w.id);
        }
        return true;
    }

    private void close(Worker w, String reason) {
        WorkerChannel c = w.channel;
        if (c != null && c.isOpen()) {
            c.close(reason);
        }
        BrowserPage page = w.page;
        if (page != null) {
            execute(page::close);
        }
    }

    /** Why a page's WebSocket closed: its browser died, it missed its heartbeats, or the connection dropped. */
    private static FailureClass closeClass(Worker w, String reason) {
        if (!w.host.closed && !w.host.browser.isAlive()) {
            return FailureClass.BROWSER_CRASH;
        }
        return reason.startsWith(WorkerChannel.MISSED_HEARTBEAT) ? FailureClass.HANG : FailureClass.CONNECTION_LOST;
    }

    /** A page ran out of memory: restart its browser (drain it, close it, launch a replacement). */
    private void restartBrowser(Worker w, String why) {
        BrowserHost host = w.host;
        if (host.recycling == null && !host.closed) {
            host.recycling = why;
            maintainSoon(host.backend);
        }
    }

    /**
     * A worker is gone for good: its request's attempt fails with the class of the loss (and is retried
     * elsewhere where that class allows it), its page closes; maintenance opens a replacement.
     */
    void workerGone(Worker w, FailureClass c, String reason) {
        if (!remove(w)) {
            return;
        }
        LOG.log(Level.INFO, "worker " + w.id + " gone (" + c.id() + "): " + reason);
        dispatcher.workerLost(w, c, reason);
        close(w, reason);
        BrowserHost host = w.host;
        if (!host.closed && !host.browser.isAlive()) {
            host.backend.browserDied(host.browser, "browser no longer running");
        } else {
            maintainSoon(host.backend);
        }
    }

    /**
     * Orderly shutdown: refuse new requests, fail the queued ones, give running ones a few seconds to finish,
     * then close every browser.
     */
    @Deactivate
    void stop() {
        stopped = true;
        try {
            sharing.unregister();
        } catch (IllegalStateException e) {
            // Already gone with the bundle.
        }
        List<Request> running = dispatcher.stop();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (Request r : running) {
            long left = deadline - System.nanoTime();
            try {
                r.result.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Still running, or failed: either way it ends below.
            }
        }
        dispatcher.abandon("the pool stopped");
        backends.values().forEach(b -> b.stop("pool stopped", 0));
        backends.clear();
        executor.shutdownNow();
    }
}
