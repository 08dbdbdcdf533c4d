package org.webaccel.harness.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;

/**
 * Dynamic batching on vs off for image-classifier on one page, under the same closed-loop load: throughput,
 * latency, and how many requests one browser call carried.
 */
final class BatchingFigure {
    private static final String MODEL = "image-classifier";

    private final BenchPool pool;
    private final SchedulingBenchConfig config;

    BatchingFigure(BenchPool pool, SchedulingBenchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    List<Figure> measure() throws Exception {
        InferenceOptions wasm = InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.WASM)
                .withTimeout(Duration.ofSeconds(120));
        List<LatencyLoad.Job> jobs = List.of(new LatencyLoad.Job(MODEL, pool.inputs(MODEL, 0, 21), wasm));
        Map<String, Object> on = Map.of("batchMaxSize", MODEL + "=" + config.batchMaxSize(), "batchMaxDelayMillis",
                MODEL + "=" + config.batchDelayMillis());
        String onName = "batching on (max " + config.batchMaxSize() + ", delay " + config.batchDelayMillis() + " ms)";
        String offName = "batching off";
        WindowSeries offSide = new WindowSeries();
        WindowSeries onSide = new WindowSeries();
        List<Double> perCallOff = new ArrayList<>();
        List<Double> perCallOn = new ArrayList<>();
        pool.reshape(1, 1);
        // The page holds the model's session before anything is measured.
        pool.infer(MODEL, jobs.get(0).inputs());
        for (int round = 0; round < config.rounds(); round++) {
            // The order alternates, so that a drift of the machine's load favours neither side.
            for (boolean batching : round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                pool.reconfigure(batching ? on : Map.of());
                try (LatencyLoad load = new LatencyLoad(pool.pool(), jobs, config.batchClients())) {
                    load.settle(config.settleMillis());
                    long calls0 = pool.served();
                    LatencyLoad.Window w = load.measure(config.windowMillis());
                    long calls = pool.served() - calls0;
                    (batching ? onSide : offSide).add(w);
                    (batching ? perCallOn : perCallOff).add(w.results() / (double) Math.max(1, calls));
                }
            }
        }
        pool.reconfigure(Map.of());
        Figure throughput = new Figure("batching", "dynamic batching, " + MODEL + " [1,3,32,32] on 1 page, wasm, "
                + config.batchClients() + " closed-loop clients");
        Figure latency = new Figure("batching-latency", "latency with and without dynamic batching, " + MODEL);
        offSide.addTo(throughput, latency, offName);
        onSide.addTo(throughput, latency, onName);
        throughput.series("requests per browser call, " + offName, "requests", perCallOff);
        throughput.series("requests per browser call, " + onName, "requests", perCallOn);
        throughput.ratio("on / off, throughput", onSide.throughput(), offSide.throughput());
        latency.ratio("on / off, p50 latency", onSide.p50(), offSide.p50());
        throughput.fact("load", config.batchClients() + " closed-loop clients on both sides; " + config.rounds()
                + " rounds of " + config.windowMillis() + " ms, order alternating");
        return List.of(throughput, latency);
    }
}
