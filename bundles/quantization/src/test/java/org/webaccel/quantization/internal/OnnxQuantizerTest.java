package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.quantization.Budget;
import org.webaccel.api.quantization.LayerQuantization;
import org.webaccel.api.quantization.MixedPrecision;
import org.webaccel.api.quantization.QuantizationException;
import org.webaccel.api.quantization.QuantizationSpec;
import org.webaccel.api.quantization.QuantizedModel;
import org.webaccel.models.internal.repository.FolderModelRepository;
import org.webaccel.models.internal.repository.RepositoryConfig;

/** The quantizer against the real folder repository with the demo models. */
public class OnnxQuantizerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private ModelRepository models;
    private OnnxQuantizer quantizer;

    @Before
    public void setUp() {
        String path = tmp.getRoot().toPath().resolve("models").toString();
        models = new FolderModelRepository(new RepositoryConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RepositoryConfig.class;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public boolean installDemoModels() {
                return true;
            }

            @Override
            public int scanIntervalSeconds() {
                return 0;
            }

            @Override
            public long maxModelBytes() {
                return Integer.MAX_VALUE;
            }
        });
        quantizer = new OnnxQuantizer(models);
    }

    @Test
    public void aUniformVariantIsAddedSmallerAndClose() throws Exception {
        QuantizedModel q = quantizer.quantize("audio-encoder", new QuantizationSpec(4, 32, true), null);
        assertEquals("audio-encoder-q4g32s:1", q.variant().id());
        assertEquals(Files.size(models.modelFile(q.variant())), q.variantBytes());
        assertTrue(q.variantBytes() < q.sourceBytes() / 4);
        assertTrue("cosine " + q.calibrationCosine(), q.calibrationCosine() > 0.98);
        assertEquals(q.source().inputs(), q.variant().inputs());
        assertEquals(6, q.layers().size());
    }

    @Test
    public void aMixedPlanFitsItsSizeBudgetAndBeatsTheUniformPlanOfThatSize() throws Exception {
        long fp32 = Files.size(models.modelFile(models.find("text-encoder", null).orElseThrow()));
        QuantizedModel mixed = quantizer.quantizeMixed("text-encoder",
                new MixedPrecision(List.of(2, 3, 4, 8), 32, true, Budget.parse("size=16%")), null);
        assertTrue(mixed.variantBytes() + " > 16 % of " + fp32, mixed.variantBytes() <= 0.16 * fp32);
        assertEquals(Files.size(models.modelFile(mixed.variant())), mixed.variantBytes());
        assertTrue("a mixed plan uses more than one width",
                mixed.layers().stream().map(LayerQuantization::bits).distinct().count() > 1);
        // all layers at 3 bits is about that size; spending the bytes where they matter does better
        QuantizedModel uniform3 = quantizer.quantize("text-encoder", new QuantizationSpec(3, 32, true), null);
        assertTrue(uniform3.variantBytes() + " vs " + mixed.variantBytes(), uniform3.variantBytes() >= mixed.variantBytes() * 0.9);
        assertTrue("mixed " + mixed.calibrationCosine() + " vs uniform 3-bit " + uniform3.calibrationCosine(),
                mixed.calibrationCosine() > uniform3.calibrationCosine());
    }

    @Test
    public void aMixedPlanMeetsItsAccuracyBudgetWithFewerBytesThanEightBits() throws Exception {
        QuantizedModel mixed = quantizer.quantizeMixed("audio-encoder",
                new MixedPrecision(List.of(2, 4, 8), 32, false, Budget.parse("cosine=0.995")), "audio-mixed");
        assertTrue("cosine " + mixed.calibrationCosine(), mixed.calibrationCosine() >= 0.995);
        QuantizedModel eight = quantizer.quantize("audio-encoder", new QuantizationSpec(8, 32, false), null);
        assertTrue(mixed.variantBytes() + " vs 8-bit " + eight.variantBytes(), mixed.variantBytes() < eight.variantBytes());
    }

    @Test
    public void impossibleBudgetsUnknownModelsAndTakenNamesCreateNothing() throws Exception {
        int before = models.list().size();
        expect("no plan fits size <= 1000 bytes", () -> quantizer.quantizeMixed("text-encoder",
                new MixedPrecision(List.of(2, 4), 32, true, Budget.parse("size=1000")), null));
        expect("no plan meets cosine >= 0.999999999", () -> quantizer.quantizeMixed("image-classifier",
                new MixedPrecision(List.of(2, 4), 32, true, Budget.parse("cosine=0.999999999")), null));
        expect("unknown model 'nope'", () -> quantizer.quantize("nope", new QuantizationSpec(4, 32, true), null));
        expect("a model named 'text-encoder' exists already", () -> quantizer.quantize("image-classifier",
                new QuantizationSpec(4, 32, true), "text-encoder"));
        expect("the variant name 'a/b' may hold only", () -> quantizer.quantize("image-classifier",
                new QuantizationSpec(4, 32, true), "a/b"));
        assertEquals(before, models.list().size());
        QuantizedModel q = quantizer.quantize("image-classifier", new QuantizationSpec(8, 32, true), null);
        expect("has nothing to quantize: no float32 initializer of rank 2 or more", () -> quantizer.quantize(q.variant().id(), new QuantizationSpec(4, 32, true), "again"));
        // the quantized variant's codes and scales are the reason
        expect("6 read by a quantization operator (codes, scales or zero points)", () -> quantizer.quantize(q.variant().id(),
                new QuantizationSpec(4, 32, true), "again"));
        assertEquals(before + 1, models.list().size());
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void expect(String start, Call call) throws Exception {
        try {
            call.run();
            fail("succeeded; expected " + start);
        } catch (QuantizationException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(start));
        }
    }
}
