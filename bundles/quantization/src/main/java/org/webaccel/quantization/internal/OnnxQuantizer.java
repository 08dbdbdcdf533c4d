package org.webaccel.quantization.internal;

import ai.onnxruntime.OrtException;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.quantization.Budget;
import org.webaccel.api.quantization.LayerQuantization;
import org.webaccel.api.quantization.MixedPrecision;
import org.webaccel.api.quantization.QuantizationException;
import org.webaccel.api.quantization.QuantizationSpec;
import org.webaccel.api.quantization.QuantizedModel;
import org.webaccel.api.quantization.SkippedWeight;
import org.webaccel.api.quantization.Quantizer;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.api.model.ModelRef;

/**
 * The {@link Quantizer}: reads a float model from the repository, writes its quantized variant, checks it
 * on calibration inputs with ONNX Runtime on the CPU, and adds it to the repository. One quantization
 * runs at a time (each holds a few copies of the model in memory).
 */
@Component(service = Quantizer.class)
public final class OnnxQuantizer implements Quantizer {
    /** Calibration inputs: how many, and their seed (the browser measurement uses another seed). */
    static final int CALIBRATION_INPUTS = 8;
    static final long CALIBRATION_SEED = 7;
    /** MatMulNBits widths ONNX Runtime Web 1.30 runs on wasm and webgpu (3 bits it does not take). */
    static final Set<Integer> MATMUL_NBITS_WIDTHS = Set.of(2, 4, 8);

    private static final System.Logger LOG = System.getLogger(OnnxQuantizer.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final ModelRepository models;
    private final VariantWriter writer = new VariantWriter(MATMUL_NBITS_WIDTHS);

    /** @param models where float models are read and variants are added */
    @Activate
    public OnnxQuantizer(@Reference ModelRepository models) {
        this.models = models;
    }

    @Override
    public synchronized QuantizedModel quantize(String model, QuantizationSpec spec, String variantName)
            throws QuantizationException {
        Source source = load(model);
        String name = variantName(variantName, source.descriptor.name() + "-" + spec.tag());
        Map<String, Integer> plan = new LinkedHashMap<>();
        source.layers.forEach(l -> plan.put(l.name(), spec.bits()));
        VariantWriter.Written written = writer.write(source.proto, source.layers, plan, spec.groupSize(), spec.symmetric());
        byte[] bytes = written.model().toByteArray();
        OutputComparison check = compare(source, bytes);
        String description = source.descriptor.id() + " quantized to " + spec.bits() + " bits, group " + spec.groupSize()
                + ", " + (spec.symmetric() ? "symmetric" : "asymmetric") + " (" + operators(written) + ")";
        return store(source, name, description, bytes, layers(source, written, plan, Map.of()), check, null);
    }

    @Override
    public synchronized QuantizedModel quantizeMixed(String model, MixedPrecision mixed, String variantName)
            throws QuantizationException {
        Source source = load(model);
        String name = variantName(variantName, source.descriptor.name() + "-mixed-" + mixed.budget().tag());
        Map<String, Map<Integer, Double>> error = new LinkedHashMap<>();
        Map<String, Map<Integer, Long>> bytes = new LinkedHashMap<>();
        // sensitivity: each layer alone at each width, measured on the calibration inputs
        for (Layer layer : source.layers) {
            for (int bits : mixed.candidateBits()) {
                VariantWriter.Written w = writer.write(source.proto, source.layers, Map.of(layer.name(), bits),
                        mixed.groupSize(), mixed.symmetric());
                OutputComparison c = compare(source, w.model().toByteArray());
                error.computeIfAbsent(layer.name(), k -> new TreeMap<>()).put(bits, c.meanRelativeSquaredError());
                bytes.computeIfAbsent(layer.name(), k -> new TreeMap<>()).put(bits, w.layerBytes().get(layer.name()));
            }
        }
        LOG.log(Level.INFO, "sensitivity of {0}: {1}", source.descriptor.id(), error);
        List<Map<String, Integer>> path = MixedPlanner.path(source.layers, mixed.candidateBits(), error, bytes);
        Budget budget = mixed.budget();
        Candidate chosen = switch (budget.kind()) {
            case MAX_BYTES, MAX_SIZE_FRACTION -> smallestFitting(source, mixed, path,
                    budget.kind() == Budget.Kind.MAX_BYTES ? (long) budget.value()
                            : (long) Math.floor(budget.value() * source.bytes.length));
            case MIN_COSINE -> smallestAccurate(source, mixed, path, budget.value());
        };
        String description = source.descriptor.id() + " with mixed precision (" + budget + "; group "
                + mixed.groupSize() + ", " + (mixed.symmetric() ? "symmetric" : "asymmetric") + "): "
                + widths(chosen.plan);
        return store(source, name, description, chosen.bytes, layers(source, chosen.written, chosen.plan, error),
                chosen.check, budget);
    }

    /** A plan written and checked. */
    private record Candidate(Map<String, Integer> plan, VariantWriter.Written written, byte[] bytes,
            OutputComparison check) {
    }

    private Candidate candidate(Source source, MixedPrecision mixed, Map<String, Integer> plan, boolean check)
            throws QuantizationException {
        VariantWriter.Written w = writer.write(source.proto, source.layers, plan, mixed.groupSize(), mixed.symmetric());
        byte[] b = w.model().toByteArray();
        return new Candidate(plan, w, b, check ? compare(source, b) : null);
    }

    /** The first plan on the path whose file fits: the most accurate that does (sizes fall along the path). */
    private Candidate smallestFitting(Source source, MixedPrecision mixed, List<Map<String, Integer>> path, long limit)
            throws QuantizationException {
        int lo = 0;
        int hi = path.size() - 1;
        Candidate last = candidate(source, mixed, path.get(hi), false);
        if (last.bytes.length > limit) {
            throw new QuantizationException("no plan fits " + mixed.budget() + " (" + limit + " bytes): the smallest, "
                    + widths(path.get(hi)) + ", takes " + last.bytes.length + " bytes; the float model takes "
                    + source.bytes.length);
        }
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (candidate(source, mixed, path.get(mid), false).bytes.length <= limit) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Candidate c = candidate(source, mixed, path.get(lo), true);
        if (c.bytes.length > limit) {
            throw new IllegalStateException("plan " + lo + " takes " + c.bytes.length + " > " + limit + " bytes");
        }
        return c;
    }

    /** The last plan on the path that still meets the cosine floor on the calibration inputs. */
    private Candidate smallestAccurate(Source source, MixedPrecision mixed, List<Map<String, Integer>> path,
            double minCosine) throws QuantizationException {
        Candidate first = candidate(source, mixed, path.get(0), true);
        if (first.check.minCosine() < minCosine) {
            throw new QuantizationException(String.format(Locale.ROOT, "no plan meets %s: even %s gives cosine %.6f "
                    + "on the calibration inputs; lower the floor or allow wider widths", mixed.budget(),
                    widths(path.get(0)), first.check.minCosine()));
        }
        int lo = 0; // meets the floor
        int hi = path.size() - 1;
        Candidate best = first;
        // accuracy falls along the path, roughly: search for the last plan that meets the floor
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            Candidate c = candidate(source, mixed, path.get(mid), true);
            if (c.check.minCosine() >= minCosine) {
                lo = mid;
                best = c;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private QuantizedModel store(Source source, String name, String description, byte[] bytes,
            List<LayerQuantization> layers, OutputComparison check, Budget budget) throws QuantizationException {
        ModelDescriptor d = source.descriptor;
        ModelDescriptor variant = new ModelDescriptor(name, d.version(), d.type(), description, d.inputs(), d.outputs(),
                d.exampleDims());
        try {
            ModelDescriptor added = models.add(variant, bytes);
            LOG.log(Level.INFO, "added {0} ({1} bytes, {2} of {3})", added.id(), bytes.length, description,
                    source.descriptor.id());
            return new QuantizedModel(d, added, source.bytes.length, bytes.length, layers, check.minCosine(),
                    check.maxAbsError(), budget, source.skipped);
        } catch (IllegalArgumentException e) {
            throw new QuantizationException(e.getMessage(), e);
        } catch (IOException e) {
            throw new QuantizationException("cannot write " + name + " into the model repository: " + e, e);
        }
    }

    private static List<LayerQuantization> layers(Source source, VariantWriter.Written written, Map<String, Integer> plan,
            Map<String, Map<Integer, Double>> error) {
        List<LayerQuantization> out = new ArrayList<>();
        for (Layer l : source.layers) {
            int bits = plan.get(l.name());
            double e = error.containsKey(l.name()) ? error.get(l.name()).get(bits) : Double.NaN;
            out.add(new LayerQuantization(l.name(), l.elements(), bits, written.layerOperators().get(l.name()),
                    written.layerBytes().get(l.name()), l.floatBytes(), e));
        }
        return out;
    }

    private OutputComparison compare(Source source, byte[] variant) throws QuantizationException {
        try {
            return OutputComparison.of(source.reference, new CpuRuntime().run(variant, source.inputs));
        } catch (OrtException e) {
            throw new QuantizationException("ONNX Runtime could not run the quantized " + source.descriptor.id()
                    + ": " + e.getMessage(), e);
        }
    }

    /** A float model read from the repository, with its layers and its outputs on the calibration inputs. */
    private record Source(ModelDescriptor descriptor, byte[] bytes, ModelProto proto, List<Layer> layers,
            List<SkippedWeight> skipped, List<Map<String, Tensor>> inputs, List<Map<String, float[]>> reference) {
    }

    private Source load(String model) throws QuantizationException {
        ModelRef ref;
        try {
            ref = ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw new QuantizationException("name the model to quantize, e.g. text-encoder or text-encoder:1");
        }
        ModelDescriptor d = models.find(ref.name(), ref.version()).orElseThrow(() -> new QuantizationException("unknown model '"
                + model + "'; known models: " + models.list().stream().map(ModelDescriptor::id).toList()));
        try {
            byte[] bytes = Files.readAllBytes(models.modelFile(d));
            ModelProto proto = ModelProto.parseFrom(bytes);
            LayerScanner.Scan scan = LayerScanner.scan(proto.getGraph());
            if (scan.layers().isEmpty()) {
                throw new QuantizationException("model '" + d.id() + "' has nothing to quantize: no float32 "
                        + "initializer of rank 2 or more with " + LayerScanner.MIN_ELEMENTS + " values or more that "
                        + "the main graph reads; of its " + scan.skipped().size() + " constant tensors: "
                        + SkippedSummary.reasons(scan.skipped()));
            }
            OpsetUpgrade.upgrade(proto); // refuses opsets and operators it cannot raise, before any work
            List<Map<String, Tensor>> inputs = SeededInputs.generate(d, CALIBRATION_INPUTS, CALIBRATION_SEED);
            List<Map<String, float[]>> reference;
            try {
                reference = new CpuRuntime().run(bytes, inputs);
            } catch (OrtException e) {
                throw new QuantizationException("ONNX Runtime could not run model '" + d.id() + "' on its seeded "
                        + "calibration inputs (" + SeededInputs.describe(d, inputs.get(0)) + "): " + e.getMessage()
                        + "; if the model needs other sizes or values, give them in its descriptor.json (exampleDims, "
                        + "and valueRange per input)", e);
            }
            return new Source(d, bytes, proto, scan.layers(), scan.skipped(), inputs, reference);
        } catch (InvalidProtocolBufferException e) {
            throw new QuantizationException("model '" + d.id() + "' is not a readable ONNX file: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new QuantizationException("model '" + d.id() + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new QuantizationException("cannot read model '" + d.id() + "': " + e, e);
        }
    }

    private String variantName(String requested, String fallback) throws QuantizationException {
        String name = requested == null || requested.isBlank() ? fallback : requested.trim();
        if (!NAME.matcher(name).matches()) {
            throw new QuantizationException("the variant name '" + name + "' may hold only letters, digits, '.', '_' "
                    + "and '-', starting with a letter or digit");
        }
        if (models.list().stream().anyMatch(m -> m.name().equals(name))) {
            throw new QuantizationException("a model named '" + name + "' exists already; choose another with --name");
        }
        return name;
    }

    private static String operators(VariantWriter.Written w) {
        return w.layerOperators().values().stream()
                .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String widths(Map<String, Integer> plan) {
        return plan.values().stream().collect(Collectors.groupingBy(b -> b, TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getValue() + " layers at " + e.getKey() + " bits")
                .collect(Collectors.joining(", "));
    }
}
