package org.webaccel.quantization.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.quantization.LayerQuantization;
import org.webaccel.api.quantization.QuantizedModel;
import org.webaccel.api.quantization.Quantizer;
import org.webaccel.api.quantization.VariantEvaluator;
import org.webaccel.api.quantization.VariantMeasurement;
import org.webaccel.gogo.GogoCommand;

/** {@code pool:quantize}: creates a quantized variant and prints what it costs and saves, measured in the browsers. */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"quantize"})
public final class QuantizeCommand {
    /** Seed of the measurement inputs; the calibration inputs use another. */
    static final long MEASUREMENT_SEED = 42;
    /** How many large tensors left float the report names. */
    static final int LARGE_SKIPPED_SHOWN = 8;

    private final Quantizer quantizer;
    private final VariantEvaluator evaluator;

    /** @param quantizer writes the variant; @param evaluator measures it */
    @Activate
    public QuantizeCommand(@Reference Quantizer quantizer, @Reference VariantEvaluator evaluator) {
        this.quantizer = quantizer;
        this.evaluator = evaluator;
    }

    /**
     * @return the variant's layers and the measured table
     * @throws Exception the first bad argument, or why the variant could not be made or measured
     */
    @Descriptor("quantize a model into a new variant and measure it against the float model in the browsers: "
            + "pool:quantize MODEL --bits 2|3|4|8 [--group 32|64|128] [--symmetric|--asymmetric] "
            + "[--mixed --budget size=30%|size=400KB|cosine=0.999 [--bits 2,3,4,8]] [--name NAME] [--ep wasm|webgpu] "
            + "[--inputs N]")
    public String quantize(
            @Descriptor("bits per weight (with --mixed: the candidate widths, e.g. 2,4,8)")
            @Parameter(names = "--bits", absentValue = "") String bits,
            @Descriptor("weights per block: 32, 64 or 128") @Parameter(names = "--group", absentValue = "32") String group,
            @Descriptor("one scale per block, zero at the middle code (the default)")
            @Parameter(names = "--symmetric", presentValue = "true", absentValue = "false") boolean symmetric,
            @Descriptor("one scale and one zero point per block")
            @Parameter(names = "--asymmetric", presentValue = "true", absentValue = "false") boolean asymmetric,
            @Descriptor("choose the width per layer from measured sensitivity")
            @Parameter(names = "--mixed", presentValue = "true", absentValue = "false") boolean mixed,
            @Descriptor("what a mixed plan must respect: size=30%, size=400KB or cosine=0.999")
            @Parameter(names = "--budget", absentValue = "") String budget,
            @Descriptor("the variant's name") @Parameter(names = "--name", absentValue = "") String name,
            @Descriptor("execution provider for the measurement: wasm or webgpu")
            @Parameter(names = "--ep", absentValue = "wasm") String ep,
            @Descriptor("how many seeded inputs the measurement uses")
            @Parameter(names = "--inputs", absentValue = "8") String inputs,
            @Descriptor("model name, or name:version") String model) throws Exception {
        QuantizeArguments a = QuantizeArguments.parse(model, bits, group, symmetric, asymmetric, mixed, budget, name,
                ep, inputs);
        QuantizedModel q = a.spec() != null ? quantizer.quantize(a.model(), a.spec(), a.name())
                : quantizer.quantizeMixed(a.model(), a.mixed(), a.name());
        List<VariantMeasurement> table = evaluator.evaluate(q.source().id(), List.of(q.variant().id()),
                a.executionProvider(), a.inputs(), MEASUREMENT_SEED);
        return describe(q) + "\n" + table(table, Map.of(q.source().id(), "fp32", q.variant().id(), bitsLabel(q)));
    }

    static String describe(QuantizedModel q) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "created %s from %s: %s%n", q.variant().id(), q.source().id(),
                q.variant().description()));
        out.append(String.format(Locale.ROOT, "file %d bytes (%.1f %% of %d); calibration on the CPU: min cosine %.6f, "
                + "max abs error %.5f%n", q.variantBytes(), 100.0 * q.variantBytes() / q.sourceBytes(), q.sourceBytes(),
                q.calibrationCosine(), q.calibrationMaxAbsError()));
        out.append(String.format(Locale.ROOT, "quantized %d weights; kept %d constant tensors as they were: %s%n",
                q.layers().size(), q.skipped().size(), SkippedSummary.reasons(q.skipped())));
        List<String> large = SkippedSummary.large(q.skipped());
        for (String line : large.subList(0, Math.min(large.size(), LARGE_SKIPPED_SHOWN))) {
            out.append("  kept: ").append(line).append('\n');
        }
        if (large.size() > LARGE_SKIPPED_SHOWN) {
            out.append(String.format(Locale.ROOT, "  kept: %d more of %d values or more%n",
                    large.size() - LARGE_SKIPPED_SHOWN, SkippedSummary.NAMED_FROM));
        }
        if (q.budget() != null) {
            out.append(String.format(Locale.ROOT, "%n%-32s %9s %5s %-20s %9s %12s%n", "LAYER", "WEIGHTS", "BITS",
                    "OPERATOR", "BYTES", "SENSITIVITY"));
            for (LayerQuantization l : q.layers()) {
                out.append(String.format(Locale.ROOT, "%-32s %9d %5d %-20s %9d %12.3e%n", l.layer(), l.elements(),
                        l.bits(), l.operator(), l.bytes(), l.error()));
            }
        }
        return out.toString();
    }

    static String table(List<VariantMeasurement> rows, Map<String, String> labels) {
        VariantMeasurement first = rows.get(0);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "measured in the browsers: %s, %s, %d inputs (seed %d) after one warm-up%n", first.backend(),
                first.executionProvider().id(), first.runs(), MEASUREMENT_SEED));
        out.append(String.format(Locale.ROOT, "%-34s %-6s %10s %9s %11s %12s %11s%n", "MODEL", "BITS", "BYTES",
                "LOAD ms", "LATENCY ms", "MAX ABS ERR", "MIN COSINE"));
        for (VariantMeasurement m : rows) {
            out.append(String.format(Locale.ROOT, "%-34s %-6s %10d %9s %11.2f %12.5f %11.6f%n", m.model(),
                    labels.getOrDefault(m.model(), ""), m.bytes(),
                    Double.isNaN(m.loadMs()) ? "loaded" : String.format(Locale.ROOT, "%.1f", m.loadMs()),
                    m.latencyMs(), m.maxAbsError(), m.minCosine()));
        }
        return out.toString();
    }

    static String bitsLabel(QuantizedModel q) {
        Map<Integer, Long> widths = q.layers().stream()
                .collect(Collectors.groupingBy(LayerQuantization::bits, TreeMap::new, Collectors.counting()));
        return widths.size() == 1 ? String.valueOf(widths.keySet().iterator().next())
                : widths.keySet().stream().map(String::valueOf).collect(Collectors.joining("/"));
    }
}
