package org.webaccel.scheduler.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.model.ModelRef;
import org.webaccel.gogo.GogoCommand;

/** {@code pool:explain}: asks the placement policy about every connected worker and prints each score part. */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"explain"})
public final class ExplainCommand {
    private final ResourcePool pool;
    private final PlacementPolicy policy;

    /** Breakers and health scores, when the breaker bundle is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    @Activate
    public ExplainCommand(@Reference ResourcePool pool, @Reference PlacementPolicy policy) {
        this.pool = pool;
        this.policy = policy;
    }

    /**
     * @param ep the provider to ask for, or {@code auto}
     * @param model {@code name} or {@code name:version}
     * @return one line per candidate
     */
    @Descriptor("show where a model would run: every worker and provider with its placement score and parts, "
            + "or why it is excluded")
    public String explain(
            @Descriptor("execution provider to ask for: auto, wasm, webgpu or webnn")
            @Parameter(names = "--ep", absentValue = "auto") String ep,
            @Descriptor("a backend or browser family the request requires")
            @Parameter(names = "--backend", absentValue = "") String backend,
            @Descriptor("a backend or browser family the request prefers")
            @Parameter(names = "--prefer-backend", absentValue = "") String preferBackend,
            @Descriptor("model name, or name:version") String model) {
        if (!backend.isEmpty() && !preferBackend.isEmpty()) {
            throw new IllegalArgumentException("give --backend (required) or --prefer-backend, not both");
        }
        return explain(ep, model, health, !backend.isEmpty() ? BackendChoice.require(backend)
                : !preferBackend.isEmpty() ? BackendChoice.prefer(preferBackend) : null);
    }

    /** {@link #explain} with the health monitor given, or null for none, and no backend choice. */
    String explain(String ep, String model, HealthMonitor monitor) {
        return explain(ep, model, monitor, null);
    }

    /** {@link #explain} with the health monitor given, or null for none, and the backend choice, or null. */
    String explain(String ep, String model, HealthMonitor monitor, BackendChoice choice) {
        ExecutionProvider requested = ExecutionProvider.of(ep);
        ModelDescriptor descriptor = find(pool.models(), model);
        List<WorkerInfo> workers = pool.workers();
        Map<String, String> families = new HashMap<>();
        for (BackendStatus b : pool.backends()) {
            families.put(b.description().name(), b.description().family());
        }
        WorkerCandidates candidates = new WorkerCandidates(families, view(monitor),
                w -> memory(w, monitor));
        Map<String, String> states = new HashMap<>();
        workers.forEach(w -> states.put(w.id(), w.state()));
        var scores = policy.rank(new PlacementRequest(descriptor, requested), candidates.of(descriptor, workers));
        return ExplainReport.format(descriptor, requested, choice, scores, states);
    }

    /**
     * @return the model named {@code name} or {@code name:version}; the highest version (listed last) for a
     *         bare name
     * @throws ModelNotFoundException naming the models that exist
     */
    static ModelDescriptor find(List<ModelDescriptor> models, String model) {
        return ModelRef.parse(model).in(models).orElseThrow(() -> new ModelNotFoundException("no model '" + model
                + "'; the pool has " + models.stream().map(ModelDescriptor::id).toList()));
    }

    private static WorkerCandidates.Health view(HealthMonitor monitor) {
        if (monitor == null) {
            return WorkerCandidates.Health.NONE;
        }
        return new WorkerCandidates.Health() {
            @Override
            public boolean breakerOpen(String workerId, String backend) {
                return monitor.workerBreaker(workerId).map(BreakerState::isOpen).orElse(false)
                        || monitor.backendBreaker(backend).map(BreakerState::isOpen).orElse(false);
            }

            @Override
            public double score(String workerId) {
                return monitor.workerHealth(workerId).map(HealthScore::score).orElse(100);
            }
        };
    }

    /** The browser's memory as the pool read it, else the last reading the health monitor got. */
    private static long memory(WorkerInfo w, HealthMonitor monitor) {
        long bytes = w.browserResidentBytes();
        if (bytes < 0 && monitor != null) {
            bytes = monitor.workerHealth(w.id()).map(HealthScore::memoryBytes).filter(b -> b > 0).orElse(-1L);
        }
        return bytes;
    }
}
