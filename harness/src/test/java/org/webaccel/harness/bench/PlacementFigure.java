package org.webaccel.harness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * Placement on a mixed workload with Chromium and Firefox both in the pool (one page each): the default
 * policy with its measured history (warmed first so that every key has {@code minSamples}), the same policy
 * with {@code historyWeight=0} (the affinity table, load, locality and health alone), and round robin over
 * the free candidates. Two workloads: the three demo models with {@code auto} (the policy picks the provider
 * too) and with wasm fixed (the policy picks only the browser).
 */
final class PlacementFigure {
    static final List<String> BACKENDS = List.of("chromium", "firefox");
    private static final List<String> POLICIES = List.of("history", "affinity only", "round robin");

    private final BundleContext context;
    private final BenchPool bench;
    private final SchedulerSettings scheduler;
    private final SchedulingBenchConfig config;

    PlacementFigure(BundleContext context, BenchPool bench, SchedulerSettings scheduler, SchedulingBenchConfig config) {
        this.context = context;
        this.bench = bench;
        this.scheduler = scheduler;
        this.config = config;
    }

    List<Figure> measure() throws Exception {
        ResourcePool pool = bench.pool();
        List<ModelDescriptor> models = WorkersFigure.MIX.stream().map(bench::model).toList();
        Map<String, List<LatencyLoad.Job>> workloads = new LinkedHashMap<>();
        for (ExecutionProvider ep : new ExecutionProvider[] {ExecutionProvider.AUTO, ExecutionProvider.WASM}) {
            InferenceOptions options = InferenceOptions.defaults().withExecutionProvider(ep)
                    .withTimeout(Duration.ofSeconds(120));
            List<LatencyLoad.Job> jobs = new ArrayList<>();
            for (ModelDescriptor m : models) {
                jobs.add(new LatencyLoad.Job(m.name(), bench.inputs(m.name(),
                        m.name().equals("text-encoder") ? config.placementSequence() : 0, 31), options));
            }
            workloads.put(ep.id(), jobs);
        }
        Map<String, ExecutionProvider[]> providers = providersByBackend(pool);
        Map<String, Object> history = Map.of("minSamples", config.minSamples());
        Map<String, Object> affinityOnly = Map.of("minSamples", config.minSamples(), "historyWeight", 0.0);

        long t0 = System.nanoTime();
        int warmed = warm(workloads.get("auto"), providers);
        double warmSeconds = (System.nanoTime() - t0) / 1e9;

        Map<String, WindowSeries> sides = new LinkedHashMap<>();
        for (int round = 0; round < config.rounds(); round++) {
            for (Map.Entry<String, List<LatencyLoad.Job>> w : workloads.entrySet()) {
                for (int i = 0; i < POLICIES.size(); i++) {
                    // The order rotates from round to round, so that no policy always follows the same one.
                    String policy = POLICIES.get((i + round) % POLICIES.size());
                    ServiceRegistration<PlacementPolicy> roundRobin = null;
                    if (policy.equals("history")) {
                        awaitHistory(scheduler.apply(history), models, providers, pool);
                    } else if (policy.equals("affinity only")) {
                        scheduler.apply(affinityOnly);
                    } else {
                        Hashtable<String, Object> props = new Hashtable<>();
                        props.put(Constants.SERVICE_RANKING, 1000);
                        props.put("webaccel.placement", "bench-round-robin");
                        roundRobin = context.registerService(PlacementPolicy.class, new RoundRobinPlacement(), props);
                    }
                    try (LatencyLoad load = new LatencyLoad(pool, w.getValue(), config.placementClients())) {
                        load.settle(config.settleMillis());
                        sides.computeIfAbsent(policy + ", " + w.getKey(), k -> new WindowSeries())
                                .add(load.measure(config.windowMillis()));
                    } finally {
                        if (roundRobin != null) {
                            roundRobin.unregister();
                        }
                    }
                }
            }
        }
        scheduler.apply(history);

        Figure throughput = new Figure("placement", "placement, Chromium + Firefox (1 page each), mix of 3 models, "
                + config.placementClients() + " closed-loop clients");
        Figure latency = new Figure("placement-latency", "latency by placement policy, Chromium + Firefox");
        for (String workload : workloads.keySet()) {
            for (String policy : POLICIES) {
                sides.get(policy + ", " + workload).addTo(throughput, latency, policy + ", " + workload);
            }
        }
        for (String workload : workloads.keySet()) {
            WindowSeries h = sides.get("history, " + workload);
            throughput.ratio("history / affinity only, " + workload, h.throughput(),
                    sides.get("affinity only, " + workload).throughput());
            throughput.ratio("history / round robin, " + workload, h.throughput(),
                    sides.get("round robin, " + workload).throughput());
            latency.ratio("affinity only / history, p50, " + workload, sides.get("affinity only, " + workload).p50(),
                    h.p50());
            latency.ratio("round robin / history, p50, " + workload, sides.get("round robin, " + workload).p50(),
                    h.p50());
        }
        for (String workload : workloads.keySet()) {
            for (String policy : POLICIES) {
                throughput.fact("ran on, " + policy + ", " + workload, sides.get(policy + ", " + workload).placements());
            }
        }
        Map<String, String> offered = new LinkedHashMap<>();
        providers.forEach((b, eps) -> offered.put(b, java.util.Arrays.toString(eps)));
        throughput.fact("providers per backend", offered);
        throughput.fact("warm-up", warmed + " requests pinned to each (model, backend, provider) key in "
                + Math.round(warmSeconds) + " s; scheduler minSamples " + config.minSamples());
        throughput.fact("text-encoder", "[1," + config.placementSequence() + "]; WebGPU is SwiftShader (CPU) here");
        return List.of(throughput, latency);
    }

    /** The providers each backend's page offers: wasm always, WebGPU when the page found an adapter. */
    private Map<String, ExecutionProvider[]> providersByBackend(ResourcePool pool) {
        Map<String, ExecutionProvider[]> m = new LinkedHashMap<>();
        for (String b : BACKENDS) {
            WorkerInfo w = pool.workers().stream().filter(x -> x.backend().equals(b) && x.capabilities() != null)
                    .findFirst().orElseThrow(() -> new AssertionError("no " + b + " page: " + pool.workers()));
            boolean webgpu = w.capabilities().webgpu() != null && w.capabilities().webgpu().available();
            m.put(b, webgpu ? new ExecutionProvider[] {ExecutionProvider.WASM, ExecutionProvider.WEBGPU}
                    : new ExecutionProvider[] {ExecutionProvider.WASM});
        }
        return m;
    }

    /**
     * Fills the history: {@code minSamples + 3} requests per model on every provider of every backend, with a
     * policy pinned to that backend in front of the default one.
     *
     * @return requests per key
     */
    private int warm(List<LatencyLoad.Job> jobs, Map<String, ExecutionProvider[]> providers) throws Exception {
        int n = config.minSamples() + 3;
        for (Map.Entry<String, ExecutionProvider[]> b : providers.entrySet()) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_RANKING, 1000);
            props.put("webaccel.placement", "bench-pinned");
            ServiceRegistration<PlacementPolicy> pinned = context.registerService(PlacementPolicy.class,
                    new PinnedPlacement(b.getKey()), props);
            try {
                for (ExecutionProvider ep : b.getValue()) {
                    for (LatencyLoad.Job job : jobs) {
                        InferenceOptions options = job.options().withExecutionProvider(ep);
                        for (int i = 0; i < n; i++) {
                            // Two in flight: the page runs one while the next crosses the bridge.
                            CompletableFuture<?> a = bench.pool().infer(job.model(), job.inputs(), options)
                                    .toCompletableFuture();
                            if (++i < n) {
                                bench.pool().infer(job.model(), job.inputs(), options).toCompletableFuture()
                                        .get(180, TimeUnit.SECONDS);
                            }
                            a.get(180, TimeUnit.SECONDS);
                        }
                    }
                }
            } finally {
                pinned.unregister();
            }
        }
        return n;
    }

    /**
     * Waits until the policy gives history points to every warmed key, i.e. its snapshot of the metrics store
     * holds at least {@code minSamples} results for each.
     */
    private void awaitHistory(PlacementPolicy policy, List<ModelDescriptor> models,
            Map<String, ExecutionProvider[]> providers, ResourcePool pool) throws Exception {
        Map<String, String> families = new LinkedHashMap<>();
        for (BackendStatus s : pool.backends()) {
            families.put(s.description().name(), s.description().family());
        }
        List<Candidate> probes = new ArrayList<>();
        for (Map.Entry<String, ExecutionProvider[]> b : providers.entrySet()) {
            for (ExecutionProvider ep : b.getValue()) {
                probes.add(new Candidate("probe-" + b.getKey(), b.getKey(), families.get(b.getKey()), ep, false, 0, 1,
                        false, 100, -1));
            }
        }
        bench.await(() -> {
            for (ModelDescriptor m : models) {
                for (Score s : policy.rank(new PlacementRequest(m, ExecutionProvider.AUTO), probes)) {
                    if (!s.eligible() || s.parts().getOrDefault("history", 0.0) <= 0) {
                        return false;
                    }
                }
            }
            return true;
        }, 60, "history points for every warmed (model, backend, provider) key");
    }
}
