package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Processes;

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
        Map<String, String> cpuSplit = new java.util.LinkedHashMap<>();
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
                long[] before = cpu(pool.connected());
                long t0 = System.nanoTime();
                for (int i = 0; i < config.throughputWindows(); i++) {
                    perSecond.add(load.measure(config.windowMillis()));
                }
                long[] after = cpu(pool.connected());
                double seconds = (System.nanoTime() - t0) / 1e9;
                double inferences = perSecond.stream().mapToDouble(Double::doubleValue).sum()
                        * config.windowMillis() / 1000.0;
                cpuSplit.put(browsers + " x " + pages, String.format(java.util.Locale.ROOT,
                        "JVM %.0f %%, browser drivers %.0f %%, browsers %.0f %% (of %d %%); per inference: JVM %.1f ms, "
                                + "drivers %.1f ms, browsers %.1f ms of CPU",
                        percent(after[0] - before[0], seconds), percent(after[1] - before[1], seconds),
                        percent(after[2] - before[2], seconds), 100 * Runtime.getRuntime().availableProcessors(),
                        (after[0] - before[0]) * 10 / inferences, (after[1] - before[1]) * 10 / inferences,
                        (after[2] - before[2]) * 10 / inferences));
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
        cpuSplit.forEach((shape, split) -> f.fact("CPU used during " + shape, split));
        return f;
    }

    /**
     * @param workers the connected workers, whose browsers the pool reported by process id
     * @return CPU ticks used so far by this JVM, by the other processes below it (the browsers' drivers), and by
     *         the browsers with their helper processes
     */
    private static long[] cpu(List<WorkerInfo> workers) {
        java.util.Set<Long> browserTree = new java.util.HashSet<>();
        workers.stream().mapToLong(WorkerInfo::browserPid).filter(pid -> pid > 0).distinct()
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(b -> {
                    browserTree.add(b.pid());
                    b.descendants().forEach(d -> browserTree.add(d.pid()));
                }));
        long drivers = 0;
        long browsers = 0;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            long ticks = Math.max(0, Processes.cpuTicks(p));
            if (browserTree.contains(p.pid())) {
                browsers += ticks;
            } else {
                drivers += ticks;
            }
        }
        return new long[] {Processes.cpuTicks(ProcessHandle.current()), drivers, browsers};
    }

    /** @return ticks (1/100 s on Linux) over a span, as a percentage of one core */
    private static double percent(long ticks, double seconds) {
        return ticks / (seconds * 100) * 100;
    }
}
