package org.webaccel.shell.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.health.Scope;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.model.ModelRef;
import org.webaccel.gogo.GogoCommand;

/** The {@code pool} scope of the Gogo shell. Each command returns its text; errors are thrown with their reason. */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"status", "backends", "workers", "models", "infer", "drain",
        "resume", "breakers", "health"})
public final class PoolCommands {
    private final ResourcePool pool;
    private final InputFactory inputs = new InputFactory();
    private final ObjectMapper json = new ObjectMapper();

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

    /** @return one block per model */
    @Descriptor("list the models the pool can run")
    public String models() {
        StringBuilder out = new StringBuilder();
        for (ModelDescriptor m : pool.models()) {
            out.append(String.format(Locale.ROOT, "%-20s %-15s %s%n", m.id(), m.type(), m.description()));
            m.inputs().forEach(i -> out.append("    in   ").append(i).append('\n'));
            m.outputs().forEach(o -> out.append("    out  ").append(o).append('\n'));
        }
        return out.length() == 0 ? "no models\n" : out.toString();
    }

    /**
     * Runs one inference and prints its outputs and timings.
     *
     * @return outputs with a short preview, and the timings; or the full result as JSON
     * @throws Exception the request's error, with its reason
     */
    @Descriptor("run a model once: pool:infer MODEL (--random | --input FILE.json) [--ep wasm|webgpu|webnn] "
            + "[--priority N] [--json]")
    public String infer(
            @Descriptor("read inputs from this JSON file") @Parameter(names = "--input", absentValue = "") String input,
            @Descriptor("generate random inputs from the model's signature")
            @Parameter(names = "--random", presentValue = "true", absentValue = "false") boolean random,
            @Descriptor("execution provider: wasm, webgpu or webnn")
            @Parameter(names = "--ep", absentValue = "wasm") String ep,
            @Descriptor("seconds before the request fails") @Parameter(names = "--timeout", absentValue = "60")
            int timeoutSeconds,
            @Descriptor("seed for --random") @Parameter(names = "--seed", absentValue = "42") long seed,
            @Descriptor("queued requests with a higher priority run first")
            @Parameter(names = "--priority", absentValue = "0") int priority,
            @Descriptor("print the full result as JSON")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean asJson,
            @Descriptor("model name, or name:version") String model) throws Exception {
        if (random == !input.isEmpty()) {
            throw new InvalidInputException("give exactly one of --random or --input FILE.json");
        }
        ModelDescriptor descriptor = find(model);
        Map<String, Tensor> in = random ? inputs.random(descriptor, seed) : inputs.fromFile(descriptor, Path.of(input));
        InferenceOptions options;
        try {
            options = new InferenceOptions(ExecutionProvider.of(ep), Duration.ofSeconds(timeoutSeconds), priority);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        InferenceResult r;
        try {
            // The request's one deadline is the pool's (--timeout): the pool ends every request by it.
            r = pool.infer(descriptor.id(), in, options).toCompletableFuture().get();
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof InferenceException ie ? ie : e;
        }
        return asJson ? toJson(r) : toText(r);
    }

    private ModelDescriptor find(String model) {
        List<ModelDescriptor> models = pool.models();
        return ModelRef.parse(model).in(models).orElseThrow(() -> new ModelNotFoundException("unknown model '"
                + model + "'; known models: " + models.stream().map(ModelDescriptor::id).toList()));
    }

    private static String toText(InferenceResult r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "model     %s on worker %s (%s, %s)%n", r.model(), r.worker(), r.backend(),
                r.executionProvider()));
        r.outputs().forEach((name, t) -> out.append(String.format(Locale.ROOT, "output    %-20s %s  %s%n", name, t,
                preview(t))));
        var t = r.timings();
        out.append(String.format(Locale.ROOT,
                "timings   queued %.1f ms, load %.1f ms, transfer %.1f ms, compute %.1f ms, total %.1f ms%n",
                t.queuedMs(), t.loadMs(), t.transferMs(), t.computeMs(), t.totalMs()));
        return out.toString();
    }

    private static String preview(Tensor t) {
        int n = (int) Math.min(6, t.elementCount());
        String values;
        if (t.dtype() == DType.FLOAT32 || t.dtype() == DType.FLOAT16) {
            float[] f = t.toFloats();
            values = java.util.stream.IntStream.range(0, n).mapToObj(i -> String.format(Locale.ROOT, "%.5f", f[i]))
                    .collect(Collectors.joining(", "));
        } else {
            long[] l = t.toLongs();
            values = java.util.stream.IntStream.range(0, n).mapToObj(i -> Long.toString(l[i]))
                    .collect(Collectors.joining(", "));
        }
        return "[" + values + (t.elementCount() > n ? ", ...]" : "]");
    }

    private String toJson(InferenceResult r) throws Exception {
        ObjectNode root = json.createObjectNode();
        root.put("model", r.model());
        root.put("worker", r.worker());
        root.put("backend", r.backend());
        root.put("executionProvider", r.executionProvider().id());
        root.set("timings", json.valueToTree(r.timings()));
        ObjectNode outs = root.putObject("outputs");
        r.outputs().forEach((name, t) -> {
            ObjectNode o = outs.putObject(name);
            o.put("dtype", t.dtype().wireName());
            o.set("shape", json.valueToTree(t.shape()));
            o.set("data", t.dtype() == DType.FLOAT32 || t.dtype() == DType.FLOAT16
                    ? json.valueToTree(t.toFloats()) : json.valueToTree(t.toLongs()));
        });
        return json.writeValueAsString(root) + "\n";
    }
}
