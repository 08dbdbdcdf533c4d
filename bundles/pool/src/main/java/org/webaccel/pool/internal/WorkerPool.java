package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.Pressure;
import org.webaccel.api.RequestMemory;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.Scaling;
import org.webaccel.api.SessionFailure;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRef;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.transport.WorkerBridge;

/**
 * The {@link ResourcePool}: checks a request against its model's signature and hands it to the request path
 * ({@link Admission}, {@link Dispatcher}), whose workers the {@link Workforce} keeps in every available
 * backend's browsers. It holds the configuration and puts the parts together; each part does its own job.
 */
@Component(service = {ResourcePool.class, SharedRuns.class}, configurationPid = "org.webaccel.pool")
@Designate(ocd = PoolConfig.class)
public final class WorkerPool implements ResourcePool, SharedRuns {
    private static final Logger LOG = System.getLogger(WorkerPool.class.getName());
    private static final long MIB = 1024 * 1024;

    private final ModelRepository models;
    private final ScheduledThreadPoolExecutor timers;
    private final RequestBytes requestMemory;
    private final PoolState state = new PoolState();
    private final Workforce workforce;
    private final Dispatcher dispatcher;
    private final Admission admission;
    private final HistoryRecorder history;
    /** Tells the pool of models the repository added, removed or changed while it runs. */
    private final AutoCloseable modelChanges;
    private final AtomicLong requestSeq = new AtomicLong();
    private volatile InputValidator validator;
    private volatile Lifecycle lifecycle;

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
     */
    @Activate
    public WorkerPool(PoolConfig config, @Reference WorkerBridge bridge, @Reference ModelRepository models) {
        this.models = models;
        // The request path's own scheduler: deadlines, hang checks, batch waits, retry backoffs. Browser work
        // never runs on it. A timer cancelled because its request ended leaves the queue at once.
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "webaccel-requests");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.requestMemory = new RequestBytes(0);
        this.lifecycle = Lifecycle.of(config);
        this.workforce = new Workforce(bridge, lifecycle);
        this.dispatcher = new Dispatcher(state, timers, workforce);
        workforce.dispatcher(dispatcher);
        this.admission = new Admission(state, dispatcher, timers, requestMemory);
        this.history = new HistoryRecorder(() -> metrics, workforce::browserVersion);
        this.modelChanges = models.listen(new ModelChanges(state)::apply);
        dispatcher.health(() -> health);
        dispatcher.policy(() -> placement);
        workforce.health(() -> health);
        apply(config, ModelSettings.of(config));
    }

    /**
     * Applies a new configuration to the running pool: browsers, pages and queued requests stay; each
     * backend's next lifecycle step moves it towards the new sizes.
     */
    @Modified
    void modified(PoolConfig config) {
        ModelSettings settings;
        try {
            settings = ModelSettings.of(config);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "per-model settings not applied, the previous ones stay: " + e.getMessage());
            settings = null;
        }
        apply(config, settings);
        LOG.log(Level.INFO, "pool reconfigured: " + lifecycle);
    }

    private void apply(PoolConfig config, ModelSettings settings) {
        lifecycle = Lifecycle.of(config);
        validator = new InputValidator(config.maxInputBytes());
        requestMemory.budget(Math.max(0, config.requestMemoryMegabytes()) * MIB);
        dispatcher.hangGrace(TimeUnit.SECONDS.toNanos(config.hangGraceSeconds()));
        admission.limits(config.queueCapacity(), Math.max(1, config.maxAttempts()),
                settings == null ? state.queue.settings() : settings);
        workforce.configure(lifecycle, config.connectTimeoutSeconds(), config.pipelineDepth(),
                config.maintenanceIntervalSeconds());
    }

    /**
     * A backend appeared: it probes its browser in the background, then keeps its workers.
     *
     * @param backend the backend service
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(BrowserBackend backend, Map<String, Object> properties) {
        Object name = properties.get(BrowserBackend.NAME_PROPERTY);
        workforce.bind(backend, name == null ? "backend-" + properties.get("service.id") : name.toString());
    }

    /** A backend went: its workers drain, their requests finish or move to other workers, its browsers close. */
    void unbindBackend(BrowserBackend backend) {
        workforce.unbind(backend);
    }

    @Override
    public CompletionStage<InferenceResult> infer(String model, Map<String, Tensor> inputs,
            InferenceOptions options) {
        return run(model, inputs, options, Map.of(), Map.of(), Map.of()).thenApply(Ran::result);
    }

    @Override
    public CompletableFuture<Ran> run(String model, Map<String, Tensor> inputs, InferenceOptions options,
            Map<String, SharedTensor> references, Map<String, String> keep, Map<String, String> adopt) {
        PoolRequest r;
        try {
            ModelDescriptor d = resolve(model);
            validator.validate(d, inputs, references);
            InferenceOptions o = options == null ? InferenceOptions.defaults() : options;
            BackendChoices.check(o.backend(), workforce.status());
            r = new PoolRequest(requestSeq.incrementAndGet(), d, inputs == null ? Map.of() : inputs, o,
                    System.nanoTime(), shares(d, inputs, references, keep, adopt));
        } catch (InferenceException e) {
            admission.countRejected();
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Ran> ran = admission.submit(r);
        ran.whenComplete((done, error) -> history.record(r, done, error));
        return ran;
    }

    @Override
    public boolean preferElsewhere(String holder, InferenceOptions options) {
        Route route = Route.of(options == null ? InferenceOptions.defaults() : options);
        synchronized (state.lock) {
            return state.workers.betterThanHolder(holder, route);
        }
    }

    private static PoolRequest.Shares shares(ModelDescriptor d, Map<String, Tensor> inputs,
            Map<String, SharedTensor> references, Map<String, String> keep, Map<String, String> adopt) {
        if (references.isEmpty() && keep.isEmpty() && adopt.isEmpty()) {
            return PoolRequest.Shares.NONE;
        }
        for (String name : keep.keySet()) {
            if (d.outputs().stream().map(TensorSpec::name).noneMatch(name::equals)) {
                throw new InvalidInputException("model '" + d.name() + "' has no output '" + name + "' to keep; its "
                        + "outputs are " + d.outputs());
            }
        }
        for (String name : adopt.keySet()) {
            if (inputs == null || !inputs.containsKey(name)) {
                throw new InvalidInputException("input '" + name + "' of model '" + d.name() + "' is to be kept in "
                        + "the page but is not sent as bytes");
            }
        }
        Map<String, String> ids = new LinkedHashMap<>();
        references.forEach((input, t) -> ids.put(input, t.id()));
        String holder = references.values().stream().map(SharedTensor::worker).findFirst().orElse(null);
        return new PoolRequest.Shares(ids, holder, keep, adopt);
    }

    private ModelDescriptor resolve(String model) {
        ModelRef ref;
        try {
            ref = ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw new ModelNotFoundException(e.getMessage() + "; known models: " + knownModels());
        }
        return models.find(ref.name(), ref.version()).orElseThrow(() -> new ModelNotFoundException("unknown model '"
                + model + "'; known models: " + knownModels()));
    }

    private List<String> knownModels() {
        return models.list().stream().map(ModelDescriptor::id).toList();
    }

    @Override
    public List<ModelDescriptor> models() {
        return models.list();
    }

    @Override
    public PoolStatus status() {
        return state.status();
    }

    @Override
    public List<WorkerInfo> workers() {
        return state.workerInfos();
    }

    @Override
    public List<BackendStatus> backends() {
        return workforce.status();
    }

    @Override
    public void drain(String backend) {
        workforce.drain(backend);
    }

    @Override
    public void resume(String backend) {
        workforce.resume(backend);
    }

    @Override
    public RequestMemory requestMemory() {
        return requestMemory;
    }

    @Override
    public List<SessionFailure> sessionFailures() {
        return state.sessionFailures.all();
    }

    @Override
    public Scaling scaling() {
        return workforce.scaling(state.oldestWaitNanos(System.nanoTime()));
    }

    @Override
    public Pressure pressure() {
        PoolStatus s = state.status();
        String reason = state.stopping ? "the pool is stopping"
                : s.queued() >= s.queueCapacity() ? "the queue is full (" + s.queued() + " waiting)"
                : requestMemory.heldBytes() >= requestMemory.budgetBytes() ? "the request memory is full ("
                        + requestMemory.heldBytes() / MIB + " MiB held)"
                : s.workers() + s.starting() == 0 ? "no worker is connected or starting"
                : "";
        var os = ManagementFactory.getOperatingSystemMXBean();
        double load = os.getSystemLoadAverage();
        double cpu = load < 0 ? -1 : load / Math.max(1, os.getAvailableProcessors());
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Pressure(Instant.now(), reason.isEmpty(), reason, s.busy(), s.queued(), s.queueCapacity(),
                state.counters.rejectedLastMinute(), s.workers(), s.starting(), cpu, workforce.browserMemory(),
                lifecycle.memoryBudgetBytes(), heap);
    }

    /** @return tasks waiting on the request path's scheduler: every armed timer */
    int scheduledTasks() {
        return timers.getQueue().size();
    }

    /**
     * Orderly shutdown: refuse new requests, fail the queued ones, give running ones a few seconds to finish,
     * then close every browser.
     */
    @Deactivate
    void stop() {
        try {
            modelChanges.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "the model repository listener did not close: " + e);
        }
        List<CompletableFuture<Ran>> running = admission.stop();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (CompletableFuture<Ran> r : running) {
            try {
                r.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Still running, or failed: either way it ends below.
            }
        }
        admission.abandon("the pool stopped");
        workforce.stop();
        timers.shutdownNow();
    }
}
