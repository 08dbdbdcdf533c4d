package org.webaccel.harness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.WorkerInfo;

/**
 * Throughput and latency percentiles with 1, 2 and 4 workers (pages of one Chromium browser, wasm), on one
 * model and on a mix of the three demo models, under the same closed-loop load for every worker count.
 */
final class WorkersFigure {
    static final List<String> MIX = List.of("text-encoder", "image-classifier", "audio-encoder");

    private final BenchPool pool;
    private final SchedulingBenchConfig config;

    WorkersFigure(BenchPool pool, SchedulingBenchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    List<Figure> measure() throws Exception {
        InferenceOptions wasm = InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.WASM)
                .withTimeout(Duration.ofSeconds(120));
        String text = "text-encoder [1," + config.textSequence() + "]";
        Map<String, List<LatencyLoad.Job>> workloads = new LinkedHashMap<>();
        workloads.put(text, List.of(new LatencyLoad.Job("text-encoder",
                pool.inputs("text-encoder", config.textSequence(), 11), wasm)));
        List<LatencyLoad.Job> mix = new ArrayList<>();
        for (String m : MIX) {
            mix.add(new LatencyLoad.Job(m, pool.inputs(m, m.equals("text-encoder") ? config.textSequence() : 0, 12),
                    wasm));
        }
        workloads.put("mix of 3 models", mix);

        Map<String, WindowSeries> sides = new LinkedHashMap<>();
        for (int round = 0; round < config.rounds(); round++) {
            for (int workers : config.workerCounts()) {
                pool.reshape(1, workers);
                for (Map.Entry<String, List<LatencyLoad.Job>> w : workloads.entrySet()) {
                    List<String> loaded = w.getValue().stream().map(j -> pool.model(j.model()).id() + "@wasm").toList();
                    try (LatencyLoad load = new LatencyLoad(pool.pool(), w.getValue(), config.clients())) {
                        pool.await(() -> {
                            List<WorkerInfo> c = pool.connected();
                            return c.size() == workers && c.stream().allMatch(x -> x.loadedModels().containsAll(loaded));
                        }, 180, "every page to load " + loaded);
                        load.settle(config.settleMillis());
                        sides.computeIfAbsent(name(workers, w.getKey()), k -> new WindowSeries())
                                .add(load.measure(config.windowMillis()));
                    }
                }
            }
        }

        Figure throughput = new Figure("workers", "throughput by workers (pages of 1 Chromium), wasm, "
                + config.clients() + " closed-loop clients");
        Figure latency = new Figure("workers-latency", "latency by workers (pages of 1 Chromium), wasm, "
                + config.clients() + " closed-loop clients");
        for (Map.Entry<String, WindowSeries> e : sides.entrySet()) {
            e.getValue().addTo(throughput, latency, e.getKey());
        }
        int one = config.workerCounts().get(0);
        for (String workload : workloads.keySet()) {
            for (int workers : config.workerCounts().subList(1, config.workerCounts().size())) {
                throughput.ratio(workers + " / " + one + " workers, " + workload, sides.get(name(workers, workload)).throughput(),
                        sides.get(name(one, workload)).throughput());
            }
        }
        throughput.fact("load", config.clients() + " closed-loop clients for every worker count; "
                + config.rounds() + " rounds of " + config.windowMillis() + " ms per worker count and workload; "
                + "fresh browser each round");
        throughput.fact("cores", Runtime.getRuntime().availableProcessors());
        return List.of(throughput, latency);
    }

    private static String name(int workers, String workload) {
        return workers + " worker" + (workers > 1 ? "s" : "") + ", " + workload;
    }
}
