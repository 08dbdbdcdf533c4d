package org.webaccel.harness.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.spi.BrowserBackend;

/**
 * The scheduling benchmark: concurrent execution by worker count, dynamic batching on and off, and placement
 * policies on Chromium plus Firefox. Runs in a container with both backends started; writes the table, JSON
 * and plot of {@link Report}.
 *
 * <p>The worker and batching figures use the benchmark backend ({@value BenchmarkRunner#BACKEND}, launching
 * through the Chromium backend) so that every worker count starts from a fresh browser; Chromium and Firefox
 * are drained meanwhile. The placement figure then withdraws it and resumes both.
 */
public final class SchedulingBenchmarkRunner {
    private final BundleContext context;
    private final SchedulingBenchConfig config;

    /**
     * @param context the framework the pool runs in
     * @param config how much to measure
     */
    public SchedulingBenchmarkRunner(BundleContext context, SchedulingBenchConfig config) {
        this.context = context;
        this.config = config;
    }

    /**
     * Runs every figure and writes the outputs.
     *
     * @param output the folder for benchmark.txt, .md, .json and .png
     * @return the report
     */
    public Report run(Path output) throws Exception {
        Map<String, Object> machine = BenchmarkRunner.machine();
        BrowserBackend chromium = service(BrowserBackend.class, "(" + BrowserBackend.NAME_PROPERTY + "=chromium)");
        service(BrowserBackend.class, "(" + BrowserBackend.NAME_PROPERTY + "=firefox)");
        RecordingBackend recording = new RecordingBackend(BenchmarkRunner.BACKEND, chromium);
        ConfigurationAdmin cm = service(ConfigurationAdmin.class, null);
        BenchPool bench = new BenchPool(context, cm, service(ModelRepository.class, null), recording);
        SchedulerSettings scheduler = new SchedulerSettings(context, cm);
        List<Figure> figures = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            ResourcePool pool = bench.pool();
            for (String b : PlacementFigure.BACKENDS) {
                pool.drain(b);
            }
            figures.addAll(new WorkersFigure(bench, config).measure());
            figures.addAll(new BatchingFigure(bench, config).measure());
            bench.unregister();
            bench.await(() -> pool.workers().stream().noneMatch(w -> w.backend().equals(BenchmarkRunner.BACKEND)), 60,
                    "the benchmark backend's pages to close");
            // One page per backend: the policy chooses between a Chromium and a Firefox page.
            bench.reconfigure(Map.of("minWorkers", 1, "maxBrowsers", 1, "maxPagesPerBrowser", 1));
            for (String b : PlacementFigure.BACKENDS) {
                pool.resume(b);
            }
            bench.await(() -> PlacementFigure.BACKENDS.stream().allMatch(b -> pool.workers().stream().anyMatch(
                    w -> w.backend().equals(b) && w.capabilities() != null
                            && (w.state().equals("idle") || w.state().equals("busy")))), 180,
                    "a Chromium and a Firefox page");
            for (WorkerInfo w : pool.workers()) {
                if (w.capabilities() != null) {
                    machine.put(w.backend() + "UserAgent", w.capabilities().userAgent());
                    machine.put("onnxruntimeWeb", w.capabilities().ortVersion());
                }
            }
            figures.addAll(new PlacementFigure(context, bench, scheduler, config).measure());
        } finally {
            bench.unregister();
            scheduler.reset();
        }
        machine.put("loadAverageAfter", BenchmarkRunner.loadAverage());
        machine.put("seconds", Math.round((System.nanoTime() - t0) / 1e9));
        Report report = new Report(machine, config.asMap(), figures);
        String table = report.write(output);
        System.out.println("\nWebAccel scheduling benchmark (" + output + ")\n" + table);
        return report;
    }

    private <T> T service(Class<T> type, String filter) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            Collection<ServiceReference<T>> refs = context.getServiceReferences(type, filter);
            if (!refs.isEmpty()) {
                T service = context.getService(refs.iterator().next());
                if (service != null) {
                    return service;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + type.getSimpleName() + (filter == null ? "" : " " + filter) + " within 60 s");
    }
}
