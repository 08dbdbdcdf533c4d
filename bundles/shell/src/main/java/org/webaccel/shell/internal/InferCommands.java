package org.webaccel.shell.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.CallOutcome;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceCall;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRef;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.gogo.GogoCommand;

/** {@code pool:infer} and {@code pool:inferall}: inferences from the shell, one or a file of them. */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"infer", "inferall"})
public final class InferCommands {
    private final ResourcePool pool;
    private final InputFactory inputs = new InputFactory();
    private final ObjectMapper json = new ObjectMapper();

    /** @param pool the pool that runs the inferences */
    @Activate
    public InferCommands(@Reference ResourcePool pool) {
        this.pool = pool;
    }

    /**
     * Runs one inference and prints its outputs and timings.
     *
     * @return outputs with a short preview, and the timings; or the full result as JSON
     * @throws Exception the request's error, with its reason
     */
    @Descriptor("run a model once: pool:infer MODEL (--random | --input FILE.json) [--ep wasm|webgpu|webnn] "
            + "[--priority N] [--backend NAME | --prefer-backend NAME] [--json]")
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
            @Descriptor("run only on this backend or browser family; fails at once when it cannot serve")
            @Parameter(names = "--backend", absentValue = "") String backend,
            @Descriptor("run on this backend or browser family when one of its workers is free, else anywhere")
            @Parameter(names = "--prefer-backend", absentValue = "") String preferBackend,
            @Descriptor("print the full result as JSON")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean asJson,
            @Descriptor("model name, or name:version") String model) throws Exception {
        if (random == !input.isEmpty()) {
            throw new InvalidInputException("give exactly one of --random or --input FILE.json");
        }
        if (!backend.isEmpty() && !preferBackend.isEmpty()) {
            throw new InvalidInputException("give --backend (required) or --prefer-backend, not both");
        }
        ModelDescriptor descriptor = find(model);
        Map<String, Tensor> in = random ? inputs.random(descriptor, seed) : inputs.fromFile(descriptor, Path.of(input));
        InferenceOptions options;
        try {
            options = new InferenceOptions(ExecutionProvider.of(ep), Duration.ofSeconds(timeoutSeconds), priority,
                    !backend.isEmpty() ? BackendChoice.require(backend)
                            : !preferBackend.isEmpty() ? BackendChoice.prefer(preferBackend) : null);
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
        return asJson ? toJson(r).toString() + "\n" : toText(r);
    }

    /**
     * Runs every call of a file at once and prints each one's outcome in the file's order.
     *
     * @return one line per call and a summary; or a JSON array of outcomes
     * @throws InvalidInputException when the file is malformed: then no call runs
     */
    @Descriptor("run a file of inferences at once (a JSON array of {\"model\", \"inputs\" | \"random\": true, "
            + "\"seed\", \"ep\", \"timeout\", \"priority\", \"backend\" | \"prefer_backend\"}); each call ends with "
            + "its own result or error, listed in the file's order")
    public String inferall(
            @Descriptor("print the outcomes as JSON")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean asJson,
            @Descriptor("the JSON file of calls") String file) throws Exception {
        List<InferenceCall> calls = CallFile.read(Path.of(file), this::find, inputs);
        List<CallOutcome> outcomes = pool.inferAll(calls).toCompletableFuture().get();
        if (asJson) {
            ArrayNode all = json.createArrayNode();
            for (CallOutcome o : outcomes) {
                ObjectNode item = all.addObject();
                item.put("index", o.index());
                item.put("model", calls.get(o.index()).model());
                if (o.succeeded()) {
                    item.set("result", toJson(o.result()));
                } else {
                    item.putObject("error").put("class", o.error().failureClass().id())
                            .put("message", o.error().getMessage());
                }
            }
            return json.writeValueAsString(all) + "\n";
        }
        String row = "%-4s %-22s %-8s %-18s %-10s %-6s %9s  %s%n";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, row, "#", "MODEL", "OUTCOME", "WORKER",
                "BACKEND", "EP", "TOTAL MS", "ERROR"));
        for (CallOutcome o : outcomes) {
            InferenceResult r = o.result();
            String model = calls.get(o.index()).model();
            out.append(o.succeeded()
                    ? String.format(Locale.ROOT, row, o.index(), model, "ok", r.worker(), r.backend(),
                            r.executionProvider().id(), String.format(Locale.ROOT, "%.1f", r.timings().totalMs()), "")
                    : String.format(Locale.ROOT, row, o.index(), model, "failed", "-", "-", "-", "-",
                            o.error().failureClass().id() + ": " + o.error().getMessage()));
        }
        long ok = outcomes.stream().filter(CallOutcome::succeeded).count();
        return out + String.format(Locale.ROOT, "%d calls: %d succeeded, %d failed%n", outcomes.size(), ok,
                outcomes.size() - ok);
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
        if (t.dtype().isFloat()) {
            double[] f = t.toDoubles();
            values = IntStream.range(0, n).mapToObj(i -> String.format(Locale.ROOT, "%.5f", f[i]))
                    .collect(Collectors.joining(", "));
        } else {
            // strings quoted, as JSON writes them; numbers and booleans as they are
            values = t.values().stream().limit(n).map(v -> v instanceof String text
                    ? "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"" : v.toString()).collect(Collectors.joining(", "));
        }
        return "[" + values + (t.elementCount() > n ? ", ...]" : "]");
    }

    private ObjectNode toJson(InferenceResult r) {
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
            o.set("data", json.valueToTree(t.values()));
        });
        return root;
    }
}
