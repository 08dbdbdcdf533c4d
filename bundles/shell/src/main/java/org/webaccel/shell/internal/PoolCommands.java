package org.webaccel.shell.internal;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.health.Scope;
import org.webaccel.gogo.GogoCommand;

/** The {@code pool} scope of the Gogo shell. Each command returns its text; errors are thrown with their reason. */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"status", "backends", "workers", "drain",
        "resume", "breakers", "health"})
public final class PoolCommands {
    private final ResourcePool pool;

    /** Circuit breakers and health scores, when the breaker bundle is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    /** @param pool the pool the commands drive */
    @Activate
    public PoolCommands(@Reference ResourcePool pool) {
        this.pool = pool;
    }

    /** @return the pool's counters */
    @Descriptor("show workers, queue and request counters")
    public String status() {
        PoolStatus s = pool.status();
        return String.format(Locale.ROOT, "workers   %d connected (%d idle, %d busy), %d starting%n"
                + "queue     %d waiting (capacity %d)%n"
                + "requests  submitted %d = succeeded %d + failed %d + in flight %d; rejected %d; retried %d%n"
                + "failed    %s%n",
                s.workers(), s.idle(), s.busy(), s.starting(), s.queued(), s.queueCapacity(), s.submitted(),
                s.succeeded(), s.failed(), s.inFlight(), s.rejected(), s.retried(), failures(s));
    }

    /** The failure counters by class, the non-zero ones, or {@code none}. */
    private static String failures(PoolStatus s) {
        String text = s.failedByClass().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey().id() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        return text.isEmpty() ? "none" : text;
    }

    /**
     * @param verbose also print each backend's capabilities
     * @return one line per backend, or one block each with {@code -v}
     */
    @Descriptor("list browser backends; -v adds WebGPU adapter, WebNN devices, wasm features")
    public String backends(@Descriptor("show capabilities") @Parameter(names = {"-v", "--verbose"},
            presentValue = "true", absentValue = "false") boolean verbose) {
        List<BackendStatus> all = pool.backends();
        if (all.isEmpty()) {
            return "no backend installed\n";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-12s %-10s %-12s %-16s %8s %8s  %s%n",
                "BACKEND", "FAMILY", "STATE", "VERSION", "BROWSERS", "WORKERS", "NOTE"));
        for (BackendStatus b : all) {
            var d = b.description();
            String note = !b.available() ? b.unavailableReason()
                    : b.failedLaunches() > 0 ? b.failedLaunches() + " launches failed in a row; last error: " + b.lastError()
                    : b.lastError() == null ? "" : "last error: " + b.lastError();
            out.append(String.format(Locale.ROOT, "%-12s %-10s %-12s %-16s %8d %8d  %s%n", d.name(), d.family(),
                    b.state(), d.browserVersion(), b.browsers(), b.workers(), note));
            if (verbose) {
                out.append(capabilities(b.capabilities()));
            }
        }
        return out.toString();
    }

    private static String capabilities(PageCapabilities c) {
        if (c == null) {
            return "    capabilities: no page connected\n";
        }
        StringBuilder out = new StringBuilder();
        var g = c.webgpu();
        if (g != null && g.available()) {
            out.append(String.format(Locale.ROOT, "    webgpu:  %s%s; %s%n", adapterName(g),
                    g.fallback() ? " (fallback adapter)" : "", limits(g.limits())));
        } else {
            out.append("    webgpu:  none (").append(g == null ? "not reported" : g.reason()).append(")\n");
        }
        var n = c.webnn();
        out.append("    webnn:   ").append(n == null || !n.api() ? "no navigator.ml" : n.devices().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; "))).append('\n');
        out.append(String.format(Locale.ROOT, "    wasm:    simd %s, threads %s; %d logical cores; ONNX Runtime Web %s%n",
                c.wasmSimd() ? "yes" : "no", c.wasmThreads() ? "yes" : "no", c.hardwareConcurrency(), c.ortVersion()));
        out.append("    browser: ").append(c.userAgent()).append('\n');
        return out.toString();
    }

    private static String limits(Map<String, Long> limits) {
        if (limits == null || limits.isEmpty()) {
            return "no limits reported";
        }
        return limits.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + (e.getValue() >= 1 << 20 ? e.getValue() / (1 << 20) + " MiB"
                        : e.getValue().toString()))
                .collect(Collectors.joining(", "));
    }

    /**
     * @param verbose also print each breaker's recent phase changes and counted failures
     * @return one line per circuit breaker, or one block each with {@code -v}
     */
    @Descriptor("show the circuit breakers of workers and backends; -v adds their recent phase changes and failures")
    public String breakers(@Descriptor("show history") @Parameter(names = {"-v", "--verbose"},
            presentValue = "true", absentValue = "false") boolean verbose) {
        HealthMonitor h = health;
        if (h == null) {
            return "no health monitor installed (the breaker feature)\n";
        }
        return BreakerReport.render(h.breakers(), b -> b.scope() == Scope.WORKER ? h.workerHistory(b.id())
                : h.backendHistory(b.id()), verbose, Instant.now());
    }

    /** @return one line per health score */
    @Descriptor("show health scores (0-100) of workers and backends with their parts")
    public String health() {
        HealthMonitor h = health;
        if (h == null) {
            return "no health monitor installed (the breaker feature)\n";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%-8s %-20s %5s  %-11s %-13s %-6s %-5s %s%n", "SCOPE", "ID", "SCORE", "ERROR RATE",
                "LATENCY/BASE", "STREAK", "DROPS", "MEMORY"));
        for (HealthScore s : h.scores()) {
            out.append(String.format(Locale.ROOT, "%-8s %-20s %5d  %-11.3f %-13.2f %-6d %-5d %d MiB%n",
                    s.scope().name().toLowerCase(Locale.ROOT), s.id(), s.score(), s.errorRate(), s.latencyRatio(),
                    s.consecutiveFailures(), s.recentDrops(), s.memoryBytes() / (1024 * 1024)));
        }
        return out.toString();
    }

    /**
     * @param backend the backend's name
     * @return what happened
     */
    @Descriptor("drain a backend: its workers finish their requests and close; it takes no new work until resumed")
    public String drain(@Descriptor("backend name") String backend) {
        pool.drain(backend);
        return "draining " + backend + "\n";
    }

    /**
     * @param backend the backend's name
     * @return what happened
     */
    @Descriptor("put a drained backend back into service")
    public String resume(@Descriptor("backend name") String backend) {
        pool.resume(backend);
        return "resumed " + backend + "\n";
    }

    /** @return one line per worker */
    @Descriptor("list worker pages with their state and capabilities")
    public String workers() {
        List<WorkerInfo> all = pool.workers();
        if (all.isEmpty()) {
            return "no workers\n";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-18s %-10s %-8s %7s  %-28s %s%n",
                "WORKER", "BACKEND", "STATE", "SERVED", "WEBGPU", "LOADED"));
        for (WorkerInfo w : all) {
            out.append(String.format(Locale.ROOT, "%-18s %-10s %-8s %7d  %-28s %s%n", w.id(), w.backend(), w.state(),
                    w.served(), webgpu(w.capabilities()), String.join(", ", w.loadedModels())));
        }
        return out.toString();
    }

    private static String webgpu(PageCapabilities c) {
        if (c == null || c.webgpu() == null) {
            return "-";
        }
        var g = c.webgpu();
        return g.available() ? adapterName(g) + (g.fallback() ? " (fallback)" : "") : "none";
    }

    /** Vendor and architecture where the browser discloses them (Firefox leaves both empty). */
    private static String adapterName(PageCapabilities.WebGpu g) {
        String name = java.util.stream.Stream.of(g.vendor(), g.architecture(), g.description())
                .filter(p -> p != null && !p.isBlank()).distinct().collect(Collectors.joining("/"));
        return name.isEmpty() ? "adapter (details not disclosed)" : name;
    }
}
