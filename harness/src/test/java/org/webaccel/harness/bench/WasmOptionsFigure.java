package org.webaccel.harness.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.NativeReference;

/**
 * Figure: what ONNX Runtime Web's own options give on wasm, measured in a direct page (no pool) round by round
 * against ONNX Runtime Java on one thread, for the medium model: the settings the worker pages use (one thread,
 * graph optimization {@code all}, the CPU memory arena on), then one change at a time: optimization
 * {@code basic}, no memory arena, the symbolic dimensions frozen to the input's sizes, and two threads (the pages
 * are cross-origin isolated, so ONNX Runtime Web can use SharedArrayBuffer threads). SIMD is always on: every
 * build of ONNX Runtime Web 1.30 for wasm is a SIMD build.
 */
final class WasmOptionsFigure {
    private final BenchPool pool;
    private final BrowserBackend chromium;
    private final URI bridge;
    private final NativeReference nativeRuntime;
    private final BenchConfig config;

    WasmOptionsFigure(BenchPool pool, BrowserBackend chromium, URI bridge, NativeReference nativeRuntime,
            BenchConfig config) {
        this.pool = pool;
        this.chromium = chromium;
        this.bridge = bridge;
        this.nativeRuntime = nativeRuntime;
        this.config = config;
    }

    /** One variant: a label, the page's wasm threads, the session options that differ from the default. */
    private record Variant(String label, int threads, Map<String, Object> options) {
    }

    Figure measure() throws Exception {
        String model = "text-encoder";
        ModelDescriptor d = pool.model(model);
        Map<String, Tensor> inputs = pool.inputs(model, config.mediumSequence(), 42);
        List<Variant> variants = List.of(
                new Variant("1 thread, optimization all, arena on (the pool's pages)", 1, Map.of()),
                new Variant("optimization basic", 1, Map.of("graphOptimizationLevel", "basic")),
                new Variant("no CPU memory arena", 1, Map.of("enableCpuMemArena", false)),
                new Variant("dimensions frozen to the input", 1, Map.of("freeDimensionOverrides", frozen(d, inputs))),
                new Variant("2 threads", 2, Map.of()));
        Figure f = new Figure("wasm", "ONNX Runtime Web's options on wasm, in-page compute of " + model + " [1,"
                + config.mediumSequence() + "] in a direct page, each against ONNX Runtime Java (1 thread)");
        Map<Integer, DirectPage> pages = new LinkedHashMap<>();
        try {
            for (Variant v : variants) {
                DirectPage page = pages.get(v.threads());
                if (page == null) {
                    page = DirectPage.open(chromium, bridge, v.threads());
                    pages.put(v.threads(), page);
                    f.fact("cross-origin isolated page, " + v.threads() + " thread(s)", page.crossOriginIsolated());
                }
                page.load(model, d.version(), "wasm", v.options());
                page.inputs(inputs);
                page.run(3);
                List<Double> inPage = new ArrayList<>();
                List<Double> java = new ArrayList<>();
                for (int round = 0; round < config.rounds(); round++) {
                    inPage.add(OverheadFigures.median(page.run(config.runsPerRound())));
                    List<Double> n = new ArrayList<>();
                    for (int i = 0; i < config.runsPerRound(); i++) {
                        long t0 = System.nanoTime();
                        nativeRuntime.run(pool.file(model), inputs);
                        n.add((System.nanoTime() - t0) / 1e6);
                    }
                    java.add(OverheadFigures.median(n));
                }
                f.series(v.label(), "ms", inPage).ratio(v.label() + " / ORT Java", inPage, java);
            }
        } finally {
            pages.values().forEach(DirectPage::close);
        }
        f.fact("samples", config.rounds() + " rounds x median of " + config.runsPerRound() + " runs per side");
        return f;
    }

    /** @return each symbolic dimension of the inputs, frozen to the size the given inputs have */
    private static Map<String, Long> frozen(ModelDescriptor d, Map<String, Tensor> inputs) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (TensorSpec spec : d.inputs()) {
            long[] shape = inputs.get(spec.name()).shape();
            for (int i = 0; i < spec.shape().size(); i++) {
                Dim dim = spec.shape().get(i);
                if (dim.symbol() != null) {
                    sizes.put(dim.symbol(), shape[i]);
                }
            }
        }
        return sizes;
    }
}
