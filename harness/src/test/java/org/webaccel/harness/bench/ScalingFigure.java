package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.tensor.Tensor;

/**
 * Figure 3: throughput of the pool with 1, 2 and 4 pages in one browser, and with the pages spread over
 * two browsers, under a closed-loop load of two requests in flight per page.
 */
final class ScalingFigure {
    private final BenchPool pool;
    private final BenchConfig config;

    ScalingFigure(BenchPool pool, BenchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    Figure measure() throws Exception {
        String model = "text-encoder";
        Map<String, Tensor> inputs = pool.inputs(model, config.mediumSequence(), 3);
        String loaded = pool.model(model).id() + "@wasm";
        Figure f = new Figure("scaling", "throughput (text-encoder [1," + config.mediumSequence()
                + "], wasm) by browsers x pages per browser");
        List<Double> baseline = null;
        for (int[] shape : config.shapes()) {
            int browsers = shape[0];
            int pages = shape[1];
            pool.reshape(browsers, pages);
            List<Double> perSecond = new ArrayList<>();
            try (ClosedLoopLoad load = new ClosedLoopLoad(pool.pool(), model, inputs, 2 * browsers * pages)) {
                // Measured only once every page holds the model's session.
                pool.await(() -> {
                    List<WorkerInfo> w = pool.connected();
                    return w.size() == browsers * pages && w.stream().allMatch(x -> x.loadedModels().contains(loaded));
                }, 180, "every page to load " + loaded);
                load.measure(300);
                for (int i = 0; i < config.throughputWindows(); i++) {
                    perSecond.add(load.measure(config.windowMillis()));
                }
                load.close();
                if (!load.errors().isEmpty()) {
                    throw new AssertionError("requests failed under load: " + load.errors());
                }
            }
            String name = browsers + " browser" + (browsers > 1 ? "s" : "") + " x " + pages + " page"
                    + (pages > 1 ? "s" : "");
            f.series(name, "inferences/s", perSecond);
            if (baseline == null) {
                baseline = perSecond;
            } else {
                f.ratio(name + " / 1 x 1", perSecond, baseline);
            }
        }
        f.fact("load", "closed loop, 2 requests in flight per page; " + config.throughputWindows() + " windows of "
                + config.windowMillis() + " ms per shape");
        f.fact("cores", Runtime.getRuntime().availableProcessors());
        return f;
    }
}
