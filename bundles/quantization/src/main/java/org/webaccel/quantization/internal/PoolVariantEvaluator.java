package org.webaccel.quantization.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceException;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.quantization.VariantEvaluator;
import org.webaccel.api.quantization.VariantMeasurement;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.model.ModelRef;

/**
 * The {@link VariantEvaluator}: sends each model the same seeded inputs through the pool, one request at
 * a time, so the pool keeps them on the page that already holds the session, and compares every output
 * with the reference model's.
 */
@Component(service = VariantEvaluator.class)
public final class PoolVariantEvaluator implements VariantEvaluator {
    /** Per request; WebGPU on a software adapter takes seconds per run of the text encoder. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int WARM_ROUNDS = 6;

    private final ResourcePool pool;
    private final ModelRepository models;

    /** @param pool runs the models; @param models gives their files' sizes */
    @Activate
    public PoolVariantEvaluator(@Reference ResourcePool pool, @Reference ModelRepository models) {
        this.pool = pool;
        this.models = models;
    }

    @Override
    public List<VariantMeasurement> evaluate(String reference, List<String> variants, ExecutionProvider ep, int count,
            long seed) throws InterruptedException {
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("the number of inputs must be 1..1000; got " + count);
        }
        ModelDescriptor ref = find(reference);
        List<ModelDescriptor> all = new ArrayList<>(List.of(ref));
        for (String v : variants) {
            ModelDescriptor d = find(v);
            if (!d.inputs().toString().equals(ref.inputs().toString())
                    || !d.outputs().toString().equals(ref.outputs().toString())) {
                throw new IllegalArgumentException("model '" + d.id() + "' has the signature " + d.inputs() + " -> "
                        + d.outputs() + ", not that of '" + ref.id() + "' " + ref.inputs() + " -> " + ref.outputs());
            }
            all.add(d);
        }
        List<Map<String, Tensor>> inputs = SeededInputs.generate(ref, count, seed);
        warmRuntimes(all, ep);
        List<Map<String, float[]>> expected = null;
        List<VariantMeasurement> out = new ArrayList<>();
        for (ModelDescriptor d : all) {
            Runs runs = run(d, inputs, ep);
            if (expected == null) {
                expected = runs.outputs;
            }
            OutputComparison c = OutputComparison.of(expected, runs.outputs);
            out.add(new VariantMeasurement(d.id(), size(d), runs.loadMs, median(runs.computeMs), c.maxAbsError(),
                    c.minCosine(), runs.computeMs.length, ep, runs.backend));
        }
        return out;
    }

    /**
     * A page's first session also starts ONNX Runtime Web there (compiling its WebAssembly, creating the
     * WebGPU device), which would be counted as the load of whichever model came first. So every connected
     * page first runs another model of the repository, one request per worker at once.
     */
    private void warmRuntimes(List<ModelDescriptor> measured, ExecutionProvider ep) throws InterruptedException {
        List<String> ids = measured.stream().map(ModelDescriptor::id).toList();
        ModelDescriptor other = models.list().stream()
                .filter(m -> !ids.contains(m.id()))
                .min(java.util.Comparator.comparingLong(this::size)).orElse(null);
        if (other == null) {
            return; // nothing else to warm with: loads then include the runtime's start
        }
        Map<String, Tensor> in = SeededInputs.generate(other, 1, 0).get(0);
        InferenceOptions options = InferenceOptions.defaults().withExecutionProvider(ep).withTimeout(TIMEOUT);
        String session = other.id() + "@" + ep.id();
        // pages still connecting take part too: rounds of one request per worker until every page ran it
        for (int round = 0; round < WARM_ROUNDS; round++) {
            List<WorkerInfo> workers = pool.workers().stream().filter(w -> !w.state().equals("closed")).toList();
            if (!workers.isEmpty() && workers.stream().allMatch(w -> w.loadedModels().contains(session))) {
                return;
            }
            List<java.util.concurrent.CompletableFuture<InferenceResult>> all = new ArrayList<>();
            for (int i = 0; i < Math.max(1, workers.size()); i++) {
                all.add(pool.infer(other.id(), in, options).toCompletableFuture());
            }
            for (var f : all) {
                try {
                    // the request's deadline is the pool's: it ends every request by it
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof InferenceException ie ? ie
                            : new InferenceException("warming the pages with '" + other.id() + "' failed: " + e.getCause(),
                                    FailureClass.MODEL_ERROR, e.getCause());
                }
            }
        }
    }

    /** What one model's requests gave. */
    private record Runs(List<Map<String, float[]>> outputs, double loadMs, double[] computeMs, String backend) {
    }

    private Runs run(ModelDescriptor d, List<Map<String, Tensor>> inputs, ExecutionProvider ep)
            throws InterruptedException {
        InferenceOptions options = InferenceOptions.defaults().withExecutionProvider(ep).withTimeout(TIMEOUT);
        double load = Double.NaN;
        // one warm-up: it creates the session where none is loaded yet, and is not timed as a run
        InferenceResult warm = infer(d, inputs.get(0), options);
        if (warm.timings().loadMs() > 0) {
            load = warm.timings().loadMs();
        }
        List<Map<String, float[]>> outputs = new ArrayList<>();
        List<Double> compute = new ArrayList<>();
        for (Map<String, Tensor> in : inputs) {
            InferenceResult r = infer(d, in, options);
            if (r.timings().loadMs() > 0) {
                // another page took it and created its own session: that is a load, not a run
                if (Double.isNaN(load)) {
                    load = r.timings().loadMs();
                }
            } else {
                compute.add(r.timings().computeMs());
            }
            Map<String, float[]> o = new LinkedHashMap<>();
            r.outputs().forEach((name, t) -> o.put(name, t.toFloats()));
            outputs.add(o);
        }
        double[] times = new double[compute.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = compute.get(i);
        }
        return new Runs(outputs, load, times, warm.backend());
    }

    private InferenceResult infer(ModelDescriptor d, Map<String, Tensor> inputs, InferenceOptions options)
            throws InterruptedException {
        try {
            return pool.infer(d.id(), inputs, options).toCompletableFuture().get();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof InferenceException ie) {
                throw ie;
            }
            throw new InferenceException("model '" + d.id() + "' failed: " + e.getCause(), FailureClass.MODEL_ERROR,
                    e.getCause());
        }
    }

    private ModelDescriptor find(String model) {
        ModelRef ref = ModelRef.parse(model);
        return models.find(ref.name(), ref.version()).orElseThrow(() -> new IllegalArgumentException("unknown model '" + model
                + "'; known models: " + models.list().stream().map(ModelDescriptor::id).toList()));
    }

    private long size(ModelDescriptor d) {
        try {
            return Files.size(models.modelFile(d));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + d.id(), e);
        }
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
