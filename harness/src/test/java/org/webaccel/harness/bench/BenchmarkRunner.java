package org.webaccel.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
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
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.harness.NativeReference;
import org.webaccel.webdriver.WebDriverSessions;

/**
 * Measures WebAccel against what a user would otherwise do, inside a running container: the pool in Felix
 * with real Chromium, driven through the public API. Writes the table, JSON and plot of {@link Report}.
 *
 * <p>The pool serves the benchmark from a backend named {@value #BACKEND}, which launches its browsers
 * through the container's Chromium backend and remembers them, so that figure 5 can kill one by its process
 * id. The Chromium backend itself is drained.
 */
public final class BenchmarkRunner {
    /** The benchmark's backend in the pool. */
    public static final String BACKEND = "bench";

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final BundleContext context;
    private final BenchConfig config;

    /**
     * @param context the framework the pool runs in
     * @param config how much to measure
     */
    public BenchmarkRunner(BundleContext context, BenchConfig config) {
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
        Map<String, Object> machine = machine();
        BrowserBackend chromium = service(BrowserBackend.class, "(" + BrowserBackend.NAME_PROPERTY + "=chromium)");
        RecordingBackend recording = new RecordingBackend(BACKEND, chromium);
        machine.put("chromium", recording.describe().browserVersion());
        BenchPool pool = new BenchPool(context, service(ConfigurationAdmin.class, null),
                service(ModelRepository.class, null), recording);
        List<Figure> figures = new ArrayList<>();
        try {
            pool.pool().drain("chromium");
            WorkerBridge bridge = service(WorkerBridge.class, null);
            if (wanted("overhead", "native", "breakdown")) {
                try (DirectPage direct = DirectPage.open(chromium, bridge.baseUri(), 1);
                        NativeReference nativeRuntime = new NativeReference()) {
                    figures.addAll(new OverheadFigures(pool, direct, nativeRuntime, config).measure());
                }
                pageFacts(pool.pool(), machine);
            }
            if (wanted("wasm")) {
                try (NativeReference nativeRuntime = new NativeReference()) {
                    figures.add(new WasmOptionsFigure(pool, chromium, bridge.baseUri(), nativeRuntime, config)
                            .measure());
                }
            }
            if (wanted("transport")) {
                try (TransportPage page = TransportPage.open(service(WebDriverSessions.class, null), bridge, CHROMIUM,
                        CHROMEDRIVER)) {
                    figures.add(Math.min(1, figures.size()), new TransportFigure(page, pool.model(EchoModel.NAME),
                            config).measure());
                }
            }
            if (wanted("scaling")) {
                figures.add(Math.min(2, figures.size()), new ScalingFigure(pool, config).measure());
            }
            if (wanted("recovery")) {
                figures.add(new RecoveryFigure(pool, recording, config).measure());
            }
            if (wanted("admission")) {
                figures.add(new AdmissionFigure(pool, config).measure());
            }
            if (wanted("startup") && config.containerFigures()) {
                figures.add(new StartupFigure(pool, config).measure());
            }
            if (wanted("kill-all") && config.containerFigures()) {
                figures.add(new KillAllFigure(config).measure());
            }
        } finally {
            pool.unregister();
        }
        machine.put("loadAverageAfter", loadAverage());
        Report report = new Report(machine, config.asMap(), figures);
        String table = report.write(output);
        System.out.println("\nWebAccel benchmark (" + output + ")\n" + table);
        return report;
    }

    /**
     * @return whether one of these figures is to be measured: all of them, unless -Dwebaccel.bench.figures names
     *         some (overhead, native and breakdown come from the same runs)
     */
    private static boolean wanted(String... ids) {
        String only = System.getProperty("webaccel.bench.figures", "").strip();
        if (only.isEmpty()) {
            return true;
        }
        List<String> listed = List.of(only.split("\\s*,\\s*"));
        return java.util.Arrays.stream(ids).anyMatch(listed::contains);
    }

    private void pageFacts(ResourcePool pool, Map<String, Object> machine) {
        for (WorkerInfo w : pool.workers()) {
            if (w.backend().equals(BACKEND) && w.capabilities() != null) {
                machine.put("userAgent", w.capabilities().userAgent());
                machine.put("onnxruntimeWeb", w.capabilities().ortVersion());
                machine.put("wasmThreadsPerPage", 1);
                return;
            }
        }
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

    public static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuInfo("model name"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory", memInfo());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("loadAverageBefore", loadAverage());
        return m;
    }

    private static String cpuInfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    private static String memInfo() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }

    public static String loadAverage() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }
}
