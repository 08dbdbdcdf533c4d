package org.webaccel.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.DistributionProcess;
import org.webaccel.harness.ImageRequests;
import org.webaccel.harness.ProtocolClient;
import org.webaccel.harness.TestInputs;

/**
 * Figure 8: every browser of every backend killed at once (kill -9) while {@value #CLIENTS} HTTP clients keep
 * requests in flight, in the built container with the Chromium and Firefox backends: the time until a request
 * sent after the kill is answered, and until every backend has all its pages connected again in new browsers.
 */
final class KillAllFigure {
    /** The fact that counts requests that ended in an error, which must be 0. */
    static final String FAILED = "requests failed";
    private static final int CLIENTS = 8;
    private static final int PAGES_PER_BACKEND = 2;
    /** How long the load's rate is measured before the first kill: the recoveries' requests depend on it. */
    private static final int STEADY_SECONDS = 10;
    /**
     * How long the load runs before its rate is measured: new pages keep getting faster for a while (measured: 10 s
     * after 40 answers, 206-309 requests/s; 20 s later, 513-550), and Firefox's profile template is made meanwhile.
     */
    private static final int SETTLE_SECONDS = 20;

    private final int kills;

    /** @param config its {@code kills}, unless system property {@code webaccel.bench.kills} says otherwise */
    KillAllFigure(BenchConfig config) {
        this.kills = Integer.getInteger("webaccel.bench.kills", config.kills());
    }

    Figure measure() throws Exception {
        Path log = BenchOptions.output("kill-all").toAbsolutePath();
        Files.createDirectories(log);
        List<Double> firstAnswer = new ArrayList<>();
        List<Double> fullCapacity = new ArrayList<>();
        Map<String, List<Double>> perBackend = new TreeMap<>();
        Set<String> backends = new TreeSet<>();
        long killed = 0;
        try (DistributionProcess container = DistributionProcess.start(home -> {
            Files.writeString(home.resolve("conf/org.webaccel.pool.config"), "minWorkers = I\"" + PAGES_PER_BACKEND
                    + "\"\nmaxBrowsers = I\"1\"\nmaxPagesPerBrowser = I\"" + PAGES_PER_BACKEND
                    + "\"\nidleTimeoutSeconds = L\"0\"\nmaintenanceIntervalSeconds = I\"1\"\n");
            keepLog(home, log);
        })) {
            ProtocolClient client = new ProtocolClient(container.base());
            ImageRequests.awaitReady(container, client);
            backends.addAll(availableBackends(client));
            int capacity = PAGES_PER_BACKEND * backends.size();
            await(() -> connectedPids(client, backends).size() == capacity, "all pages connected", container);
            try (Load load = new Load(client)) {
                double steadyRate = steadyRate(load, container);
                for (int k = 0; k < kills; k++) {
                    long warm = load.answered.get() + 20;
                    await(() -> load.answered.get() >= warm, "requests answered before the kill", container);
                    List<Long> pids = connectedPids(client, backends).stream().distinct().toList();
                    long t0 = System.nanoTime();
                    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                    killed += pids.size();
                    load.killedAt.set(t0);
                    await(() -> load.firstAfterKill.get() > 0, "an answer to a request sent after the kill", container);
                    firstAnswer.add((load.firstAfterKill.get() - t0) / 1e6);
                    Map<String, Long> backAt = new TreeMap<>();
                    await(() -> {
                        Map<String, List<Long>> now = connectedPidsByBackend(client);
                        now.forEach((backend, p) -> {
                            if (p.size() == PAGES_PER_BACKEND && p.stream().noneMatch(pids::contains)) {
                                backAt.putIfAbsent(backend, System.nanoTime());
                            }
                        });
                        return backAt.keySet().containsAll(backends);
                    }, "every page connected again in new browsers", container);
                    fullCapacity.add((System.nanoTime() - t0) / 1e6);
                    backAt.forEach((backend, t) -> perBackend.computeIfAbsent(backend, b -> new ArrayList<>())
                            .add((t - t0) / 1e6));
                    load.killedAt.set(Long.MAX_VALUE);
                    load.firstAfterKill.set(0);
                }
                load.stop();
                Figure f = new Figure("kill-all", "kill -9 of every browser of every backend under load ("
                        + CLIENTS + " HTTP clients, image-classifier, " + PAGES_PER_BACKEND + " pages per backend)");
                f.series("kill -9 to the first answer to a request sent after it", "ms", firstAnswer)
                        .series("kill -9 to full capacity (every page connected, new browsers)", "ms", fullCapacity);
                perBackend.forEach((backend, ms) -> f.series("kill -9 to " + backend + "'s pages all connected", "ms",
                        ms));
                f.fact("backends", String.join(", ", backends));
                f.fact("browsers killed", killed);
                f.fact("requests answered per second before the first kill (every page connected, " + STEADY_SECONDS
                        + " s from " + SETTLE_SECONDS + " s after 40 answers)", Math.round(steadyRate * 10) / 10.0);
                f.fact("requests answered", load.answered.get());
                f.fact(FAILED, (long) load.failures.size());
                if (!load.failures.isEmpty()) {
                    f.fact("first failures", load.failures.stream().limit(3).toList());
                }
                return f;
            }
        }
    }

    /**
     * The load's rate with every page connected, from {@value #SETTLE_SECONDS} s after 40 answers (sessions loaded in
     * every page): what the requests answered during the recoveries are to be compared with, since a page that
     * enters service sooner also takes requests sooner.
     */
    private static double steadyRate(Load load, DistributionProcess container) throws Exception {
        long warm = load.answered.get() + 40;
        await(() -> load.answered.get() >= warm, "requests answered before the rate is measured", container);
        Thread.sleep(TimeUnit.SECONDS.toMillis(SETTLE_SECONDS));
        long before = load.answered.get();
        long begin = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(STEADY_SECONDS));
        return (load.answered.get() - before) / ((System.nanoTime() - begin) / 1e9);
    }

    /**
     * Writes the container's log beside the figure, with milliseconds and the backends' launch and page steps, so
     * that where a recovery's time went can be read afterwards (the container's copy is deleted when it stops).
     */
    private static void keepLog(Path home, Path folder) throws IOException {
        Files.writeString(home.resolve("conf/logging.properties"), "\njava.util.logging.FileHandler.pattern="
                + folder.resolve("container.%g.log").toString().replace("\\", "/")
                + "\njava.util.logging.FileHandler.append=false\njava.util.logging.FileHandler.level=FINE"
                + "\njava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n"
                + "\norg.webaccel.backend.firefox.internal.FirefoxInstance.level=FINE"
                + "\norg.webaccel.backend.chromium.level=FINE\n", StandardOpenOption.APPEND);
    }

    private static List<String> availableBackends(ProtocolClient client) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode b : ProtocolClient.json(client.get("/v2/health/ready")).path("backends")) {
            if (b.path("state").asText().equals("available")) {
                names.add(b.path("name").asText());
            }
        }
        return names;
    }

    /** @return the browser process of each connected page of these backends, one entry per page */
    private static List<Long> connectedPids(ProtocolClient client, Set<String> backends) throws Exception {
        List<Long> pids = new ArrayList<>();
        connectedPidsByBackend(client).forEach((backend, p) -> {
            if (backends.contains(backend)) {
                pids.addAll(p);
            }
        });
        return pids;
    }

    /** @return by backend, the browser process of each of its connected pages */
    private static Map<String, List<Long>> connectedPidsByBackend(ProtocolClient client) throws Exception {
        Map<String, List<Long>> pids = new TreeMap<>();
        for (JsonNode w : ProtocolClient.json(client.get("/dashboard/api/state")).path("workers")) {
            String state = w.path("state").asText();
            if ((state.equals("idle") || state.equals("busy")) && w.path("browserPid").asLong(-1) > 0) {
                pids.computeIfAbsent(w.path("backend").asText(), b -> new ArrayList<>()).add(w.path("browserPid")
                        .asLong());
            }
        }
        return pids;
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what, DistributionProcess container) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!check.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within 180 s" + container.diagnostics());
            }
            Thread.sleep(20);
        }
    }

    /** {@value #CLIENTS} clients in a closed loop: each sends its next request when its last one is answered. */
    private static final class Load implements AutoCloseable {
        private final ProtocolClient client;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong answered = new AtomicLong();
        final AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong firstAfterKill = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final List<CompletableFuture<Void>> clients = new ArrayList<>();

        Load(ProtocolClient client) {
            this.client = client;
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(next(c, 0));
            }
        }

        private CompletableFuture<Void> next(int clientId, int i) {
            if (!running.get()) {
                return CompletableFuture.completedFuture(null);
            }
            Map<String, Tensor> inputs = TestInputs.random(ImageRequests.IMAGE, clientId * 100_000L + i, 1);
            long sent = System.nanoTime();
            return client.postAsync("/v2/models/image-classifier/infer", ProtocolClient.inferRequest(inputs, true,
                    ProtocolClient.object().put("timeout", TimeUnit.SECONDS.toMicros(120)), "k" + clientId + "-" + i))
                    .handle((r, e) -> {
                        end(sent, r, e);
                        return null;
                    }).thenCompose(x -> next(clientId, i + 1));
        }

        private void end(long sent, HttpResponse<byte[]> r, Throwable e) {
            if (e == null && r.statusCode() == 200) {
                answered.incrementAndGet();
                if (sent > killedAt.get()) {
                    firstAfterKill.compareAndSet(0, System.nanoTime());
                }
            } else {
                failures.add(e != null ? e.toString() : r.statusCode() + " " + new String(r.body()));
            }
        }

        void stop() throws Exception {
            running.set(false);
            for (CompletableFuture<Void> c : clients) {
                c.get(180, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }
}
