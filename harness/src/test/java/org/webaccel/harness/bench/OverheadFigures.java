package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.NativeReference;

/**
 * Figures 1 and 4, measured in the same rounds: one inference through the pool (one page, wasm), the same
 * ONNX Runtime Web call made directly in a page of the same browser build, and ONNX Runtime Java on the CPU
 * (one thread, as the page's wasm has), for a small and a medium model with the same inputs.
 */
final class OverheadFigures {
    /** A model and its input size. */
    record Case(String model, int sequence, String label) {
    }

    private final BenchPool pool;
    private final DirectPage direct;
    private final NativeReference nativeRuntime;
    private final BenchConfig config;

    OverheadFigures(BenchPool pool, DirectPage direct, NativeReference nativeRuntime, BenchConfig config) {
        this.pool = pool;
        this.direct = direct;
        this.nativeRuntime = nativeRuntime;
        this.config = config;
    }

    /** @return figure 1 (pool vs direct page), figure 4 (browser vs native) and the breakdown of the pool's time */
    List<Figure> measure() throws Exception {
        pool.reshape(1, 1);
        List<Case> cases = List.of(new Case("image-classifier", 0, "small: image-classifier [1,3,32,32]"),
                new Case("text-encoder", config.mediumSequence(),
                        "medium: text-encoder [1," + config.mediumSequence() + "]"));
        Figure overhead = new Figure("overhead", "latency through the pool vs the same ONNX Runtime Web call made "
                + "directly in one page (Chromium, wasm)");
        Figure vsNative = new Figure("native", "the pool on wasm vs ONNX Runtime Java on the CPU (1 thread)");
        Figure breakdown = new Figure("breakdown", "where one inference through the pool goes (the same runs as "
                + "figure 1; each stage's median per round)");
        for (Case c : cases) {
            Map<String, Tensor> inputs = pool.inputs(c.model(), c.sequence(), 42);
            String version = pool.model(c.model()).version();
            direct.load(c.model(), version, "wasm");
            direct.inputs(inputs);
            // Warm every side: sessions created, wasm compiled, the JVM's compiler done with the request path.
            nativeRuntime.assertMatches(pool.file(c.model()), inputs, pool.infer(c.model(), inputs).result(), 1e-4);
            long warmUntil = System.nanoTime() + config.warmupMillis() * 1_000_000L;
            for (int i = 0; i < 3 || System.nanoTime() - warmUntil < 0; i++) {
                pool.infer(c.model(), inputs);
                nativeRuntime.run(pool.file(c.model()), inputs);
                direct.run(1);
            }
            List<Double> poolMs = new ArrayList<>();
            List<Double> poolComputeMs = new ArrayList<>();
            List<Double> directMs = new ArrayList<>();
            List<Double> nativeMs = new ArrayList<>();
            List<Double> overheadMs = new ArrayList<>();
            Map<String, List<Double>> stages = new LinkedHashMap<>();
            for (int round = 0; round < config.rounds(); round++) {
                List<Double> p = new ArrayList<>();
                List<Double> pc = new ArrayList<>();
                Map<String, List<Double>> roundStages = new LinkedHashMap<>();
                for (int i = 0; i < config.runsPerRound(); i++) {
                    BenchPool.Timed t = pool.infer(c.model(), inputs);
                    p.add(t.wallMs());
                    pc.add(t.result().timings().computeMs());
                    stagesOf(t).forEach((k, v) -> roundStages.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                }
                roundStages.forEach((k, v) -> stages.computeIfAbsent(k, x -> new ArrayList<>()).add(median(v)));
                // One command per run, as the pool sends them: the direct page idles between runs like a worker.
                List<Double> d = new ArrayList<>();
                for (int i = 0; i < config.runsPerRound(); i++) {
                    d.addAll(direct.run(1));
                }
                List<Double> n = new ArrayList<>();
                for (int i = 0; i < config.runsPerRound(); i++) {
                    long t0 = System.nanoTime();
                    nativeRuntime.run(pool.file(c.model()), inputs);
                    n.add((System.nanoTime() - t0) / 1e6);
                }
                poolMs.add(median(p));
                poolComputeMs.add(median(pc));
                directMs.add(median(d));
                nativeMs.add(median(n));
                overheadMs.add(median(p) - median(d));
            }
            overhead.series("pool, " + c.label(), "ms", poolMs)
                    .series("direct page, " + c.label(), "ms", directMs)
                    .series("pool minus direct, " + c.label(), "ms", overheadMs)
                    .ratio("pool / direct, " + c.model(), poolMs, directMs);
            vsNative.series("pool wasm, " + c.label(), "ms", poolMs)
                    .series("in-page compute (pool), " + c.label(), "ms", poolComputeMs)
                    .series("ORT Java CPU, " + c.label(), "ms", nativeMs)
                    .ratio("pool / ORT Java, " + c.model(), poolMs, nativeMs)
                    .ratio("in-page compute / ORT Java, " + c.model(), poolComputeMs, nativeMs);
            stages.forEach((k, v) -> breakdown.series(c.label() + ": " + k, "ms", v));
        }
        overhead.fact("samples", config.rounds() + " rounds x median of " + config.runsPerRound()
                + " sequential inferences per side");
        vsNative.fact("samples", config.rounds() + " rounds x median of " + config.runsPerRound()
                + " sequential inferences per side");
        breakdown.fact("stages", "queue (submission to a worker), bridge.encode, bridge.write, wire (the request "
                + "to the page and the result back through the kernel and the browser, the page's framing of the result "
                + "included), page.prepare, page.run, page.read, bridge.decode, and the rest: placement, dispatch and "
                + "completion in the JVM up to the caller");
        return List.of(overhead, vsNative, breakdown);
    }

    /** @return the stages the pool measured, and what the caller waited beyond them ("rest") */
    private static Map<String, Double> stagesOf(BenchPool.Timed t) {
        Map<String, Double> stages = new LinkedHashMap<>(t.result().timings().stagesMs());
        double measured = stages.values().stream().mapToDouble(Double::doubleValue).sum();
        stages.put("rest", Math.max(0, t.wallMs() - measured));
        return stages;
    }

    static double median(List<Double> values) {
        return Summary.of(values).median();
    }
}
