package org.webaccel.harness.soak;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.webaccel.harness.DistributionProcess;
import org.webaccel.harness.ProtocolClient;
import org.webaccel.harness.ProtocolClient.Body;
import org.webaccel.harness.TestInputs;
import org.webaccel.harness.bench.BenchmarkRunner;
import org.webaccel.harness.bench.Figure;
import org.webaccel.harness.bench.Report;
import org.webaccel.testing.Await;

/**
 * The soak benchmark: the built distribution under steady load over its HTTP endpoint for a long time, read
 * from outside after forced full collections. First the large-input run that once kept every finished
 * request until its deadline (4 clients, 1.2 MB inputs); then small and large inputs mixed, sampled at an
 * interval: the JVM's live heap, the bytes the pool's requests hold, the browsers' PSS, the processes below
 * the container and the DuckDB file. Last, the container is stopped and every process it had started must be
 * gone.
 */
public final class SoakRunner {
    private static final double MIB = 1024.0 * 1024.0;
    private static final Pattern HELD = Pattern.compile("^webaccel_pool_request_memory_bytes (\\S+)$",
            Pattern.MULTILINE);

    /**
     * How long and how hard.
     *
     * @param largeSeconds length of the large-input run
     * @param largeClients its clients
     * @param steadySeconds length of the mixed run
     * @param steadyClients its clients
     * @param largeEvery in the mixed run, every n-th request of a client carries the large input
     * @param sampleSeconds time between samples of the mixed run
     */
    public record Config(int largeSeconds, int largeClients, int steadySeconds, int steadyClients, int largeEvery,
            int sampleSeconds) {

        /** @return the full run: 60 s large, then {@code webaccel.soak.minutes} (default 10) mixed */
        public static Config full() {
            return new Config(60, 4, 60 * Integer.getInteger("webaccel.soak.minutes", 10), 3, 5, 30);
        }

        /** @return a short run that exercises every step, for the test suite */
        public static Config tiny() {
            return new Config(8, 2, 16, 2, 3, 4);
        }
    }

    private final Config config;

    public SoakRunner(Config config) {
        this.config = config;
    }

    /** The outcome: the report, and the counts a test checks. */
    public record Outcome(Report report, long answered, long rejected, long otherStatus, long noAnswer,
            long processesLeft) {
    }

    public Outcome run(Path output) throws Exception {
        Map<String, Object> machine = BenchmarkRunner.machine();
        List<Figure> figures = new ArrayList<>();
        Set<Long> started = new TreeSet<>();
        long ok;
        long rejected;
        long other;
        long noAnswer;
        long left;
        Figure stop = new Figure("soak-stop", "after the container stopped");
        try (DistributionProcess container = DistributionProcess.start(home -> { })) {
            ProtocolClient client = new ProtocolClient(container.base());
            Await.until("the endpoint ready", () -> client.get("/v2/health/ready").statusCode() == 200,
                    container::diagnostics);
            ContainerProbe probe = new ContainerProbe(container.pid());
            Body small = body(1, 1);
            Body large = body(100, 2);
            try (SoakLoad warm = new SoakLoad(client, small, large, 2, 2)) {
                Thread.sleep(5_000);
            }
            long baseline = probe.liveHeapAfterGc();

            Figure large0 = new Figure("soak-large", config.largeClients() + " clients, image-classifier [100,3,32,32] "
                    + "(" + large.bytes().length / 1000 + " kB a request) for " + config.largeSeconds() + " s");
            SoakLoad largeLoad = new SoakLoad(client, small, large, config.largeClients(), 1);
            Thread.sleep(config.largeSeconds() * 1000L);
            long heapUnderLoad = probe.liveHeapAfterGc();
            long heldUnderLoad = held(client);
            List<String> topUnderLoad = probe.topClasses(6);
            largeLoad.close();
            long heapAfter = probe.liveHeapAfterGc();
            started.addAll(probe.descendants());
            large0.fact("answered (200)", largeLoad.byStatus().getOrDefault(200, 0L))
                    .fact("answers by status", largeLoad.byStatus())
                    .fact("live heap after GC before the run, MiB", mib(baseline))
                    .fact("live heap after GC at the end of the run, under load, MiB", mib(heapUnderLoad))
                    .fact("request memory held then (inputs in flight, undelivered results), MiB", mib(heldUnderLoad))
                    .fact("peak request bytes the clients had in flight, MiB", mib(largeLoad.peakInFlightBytes()))
                    .fact("largest live classes then", topUnderLoad)
                    .fact("live heap after GC once the run drained, MiB", mib(heapAfter));
            large0.series("live heap after GC: before, under load, drained", "MiB",
                    List.of(mib(baseline), mib(heapUnderLoad), mib(heapAfter)));
            figures.add(large0);

            List<Double> heap = new ArrayList<>();
            List<Double> held = new ArrayList<>();
            List<Double> pss = new ArrayList<>();
            List<Double> processes = new ArrayList<>();
            List<Double> duckdb = new ArrayList<>();
            List<Double> minutes = new ArrayList<>();
            SoakLoad steady = new SoakLoad(client, small, large, config.steadyClients(), config.largeEvery());
            long t0 = System.nanoTime();
            int samples = Math.max(2, config.steadySeconds() / config.sampleSeconds());
            for (int i = 0; i < samples; i++) {
                Thread.sleep(config.sampleSeconds() * 1000L);
                minutes.add((System.nanoTime() - t0) / 60e9);
                heap.add(mib(probe.liveHeapAfterGc()));
                held.add(mib(held(client)));
                pss.add(mib(ContainerProbe.browsersPss(browserPids(client))));
                List<Long> now = probe.descendants();
                started.addAll(now);
                processes.add((double) now.size());
                Path db = container.home().resolve("data/metrics.duckdb");
                duckdb.add(Files.exists(db) ? mib(Files.size(db)) : 0);
            }
            steady.close();
            Figure mixed = new Figure("soak-steady", config.steadyClients() + " clients for " + config.steadySeconds()
                    + " s, 1 request in " + config.largeEvery() + " large, sampled every " + config.sampleSeconds()
                    + " s after a forced full GC");
            mixed.series("live heap after GC", "MiB", heap)
                    .series("request memory held at the sample", "MiB", held)
                    .series("browsers' PSS (main processes and helpers)", "MiB", pss)
                    .series("processes below the container", "count", processes)
                    .series("DuckDB file", "MiB", duckdb);
            int warmup = Math.max(1, samples / 5);
            mixed.fact("answers by status", steady.byStatus())
                    .fact("requests without an HTTP answer", steady.errors())
                    .fact("live heap slope after warm-up, MiB per minute",
                            round(slope(minutes.subList(warmup, samples), heap.subList(warmup, samples))))
                    .fact("browsers' PSS slope after warm-up, MiB per minute (95 % confidence)",
                            slopeWithConfidence(minutes.subList(warmup, samples), pss.subList(warmup, samples)))
                    .fact("browsers' PSS growth after warm-up (a line fitted through the samples: its end / its start - 1)",
                            String.format(Locale.ROOT, "%+.1f %%", 100 * fittedGrowth(minutes.subList(warmup, samples),
                                    pss.subList(warmup, samples))))
                    .fact("samples (the first " + warmup + " are warm-up)", samples);
            figures.add(mixed);
            Map<Integer, Long> all = new LinkedHashMap<>(largeLoad.byStatus());
            steady.byStatus().forEach((k, v) -> all.merge(k, v, Long::sum));
            ok = all.getOrDefault(200, 0L);
            rejected = all.getOrDefault(503, 0L);
            other = all.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 503)
                    .mapToLong(Map.Entry::getValue).sum();
            noAnswer = largeLoad.errors() + steady.errors();
            // Stopped the way a user does: what the container started must be gone with it.
            List<ProcessHandle> running = container.stop();
            stop.fact("processes it had started still running when its JVM exited", running.size());
            stop.fact("their arguments", running.stream().map(p -> p.pid() + " "
                    + String.join(" ", org.webaccel.testing.Processes.arguments(p))).toList());
            left = running.size();
        }
        figures.add(stop);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("config", config.toString());
        Report report = new Report(machine, settings, figures);
        System.out.println("\nWebAccel soak benchmark (" + output + ")\n" + report.write(output));
        return new Outcome(report, ok, rejected, other, noAnswer, left);
    }

    private static Body body(int batch, long seed) {
        return ProtocolClient.inferRequest(TestInputs.random(org.webaccel.harness.ImageRequests.IMAGE, seed, batch),
                true, ProtocolClient.object().put("timeout", TimeUnit.SECONDS.toMicros(60)), null);
    }

    private static long held(ProtocolClient client) throws Exception {
        String text = new String(client.get("/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
        Matcher m = HELD.matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private static List<Long> browserPids(ProtocolClient client) throws Exception {
        JsonNode state = ProtocolClient.json(client.get("/dashboard/api/state"));
        Set<Long> pids = new TreeSet<>();
        for (JsonNode w : state.path("workers")) {
            if (w.path("browserPid").asLong(-1) > 0) {
                pids.add(w.path("browserPid").asLong());
            }
        }
        return List.copyOf(pids);
    }

    private static double slope(List<Double> x, List<Double> y) {
        return x.size() < 2 ? 0 : regression(x, y).getSlope();
    }

    /**
     * Single samples of PSS vary by ±15 % with what the renderers happen to hold, so growth is read from a line
     * fitted through all the samples after warm-up rather than from two of them.
     */
    private static double fittedGrowth(List<Double> x, List<Double> y) {
        if (x.size() < 2) {
            return 0;
        }
        SimpleRegression r = regression(x, y);
        return r.predict(x.get(x.size() - 1)) / r.predict(x.get(0)) - 1;
    }

    private static String slopeWithConfidence(List<Double> x, List<Double> y) {
        if (x.size() < 3) {
            return "too few samples";
        }
        SimpleRegression r = regression(x, y);
        return String.format(Locale.ROOT, "%+.2f ± %.2f", r.getSlope(), r.getSlopeConfidenceInterval());
    }

    private static SimpleRegression regression(List<Double> x, List<Double> y) {
        SimpleRegression r = new SimpleRegression();
        for (int i = 0; i < x.size(); i++) {
            r.addData(x.get(i), y.get(i));
        }
        return r;
    }

    private static double mib(long bytes) {
        return round(bytes / MIB);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
