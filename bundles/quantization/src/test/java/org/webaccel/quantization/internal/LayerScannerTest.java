package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.Test;
import org.webaccel.api.quantization.SkippedWeight;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;

/**
 * Scanning graphs shaped like the real public models: a wake-word head whose If branch reads a weight of the
 * main graph (as openWakeWord's heads do), weights the graph never reads, tensors of other types and sizes,
 * initializers of a nested graph (as Silero VAD's LSTM weights are), one name in two branches, and Constant nodes.
 */
public class LayerScannerTest {

    @Test
    public void weightsOfBranchesAreFoundAndEveryOtherConstantIsReportedWithItsReason() {
        LayerScanner.Scan scan = LayerScanner.scan(TestGraphs.headWithBranch().getGraph());
        Map<String, Layer> layers = scan.layers().stream().collect(Collectors.toMap(Layer::name, l -> l));
        assertEquals(List.of("w1", "w2", "branch.w"), scan.layers().stream().map(Layer::name).toList());
        assertEquals(Layer.Kind.MATMUL_NBITS, layers.get("w1").kind());
        assertEquals(32, layers.get("w1").rows()); // N of the transposed Gemm weight
        assertEquals(64, layers.get("w1").cols());
        // the branch reads w2 by name: it is dequantized under that name, not replaced by MatMulNBits
        assertEquals(Layer.Kind.DEQUANTIZE, layers.get("w2").kind());
        // a weight of the branch itself: dequantized inside the branch
        assertEquals(Layer.Kind.DEQUANTIZE, layers.get("branch.w").kind());

        Map<String, String> reasons = new TreeMap<>();
        scan.skipped().forEach(s -> reasons.put(s.name(), s.reason()));
        assertEquals(Map.of("b1", LayerScanner.LOW_RANK, "unused", LayerScanner.UNUSED, "small", LayerScanner.FEW_VALUES,
                "shape", LayerScanner.NOT_FLOAT, "outside", LayerScanner.EXTERNAL, "cond", LayerScanner.NOT_FLOAT,
                "dup", LayerScanner.SHARED_NAME, "const", LayerScanner.CONSTANT_NODE), reasons);
        assertEquals(2, scan.skipped().stream().filter(w -> w.name().equals("dup")).count());
        SkippedWeight shape = scan.skipped().stream().filter(s -> s.name().equals("shape")).findFirst().orElseThrow();
        assertEquals("INT64", shape.type());
        assertEquals(2, shape.elements());
        SkippedWeight outside = scan.skipped().stream().filter(s -> s.name().equals("outside")).findFirst().orElseThrow();
        assertEquals(0, outside.bytes());
    }

    @Test
    public void theSummaryCountsEachReasonAndNamesTheLargeTensorsLeftFloat() {
        List<SkippedWeight> skipped = LayerScanner.scan(TestGraphs.headWithBranch().getGraph()).skipped();
        String summary = SkippedSummary.reasons(skipped);
        assertTrue(summary, summary.contains("2 not float32 (BOOL, INT64)"));
        assertTrue(summary, summary.contains("1 read by no node"));
        assertTrue(summary, summary.contains("2 its name is an initializer's in another graph too"));
        assertEquals(List.of("outside (4,096 values, FLOAT): stored as external data",
                "unused (4,096 values, FLOAT): read by no node",
                "dup (256 values, FLOAT): its name is an initializer's in another graph too",
                "dup (256 values, FLOAT): its name is an initializer's in another graph too"),
                SkippedSummary.large(skipped));
        assertEquals("none skipped", SkippedSummary.reasons(List.of()));
    }

    @Test
    public void theVariantOfAHeadWithABranchRunsAndStaysCloseToTheFloatModel() throws Exception {
        ModelProto model = TestGraphs.runnableHeadWithBranch();
        List<Layer> layers = LayerScanner.scan(model.getGraph()).layers();
        VariantWriter.Written w = new VariantWriter(OnnxQuantizer.MATMUL_NBITS_WIDTHS).write(model, layers,
                Map.of("w1", 8, "w2", 8, "branch.w", 8), 32, true);
        assertEquals(Map.of("w1", "MatMulNBits(8)", "w2", "DequantizeLinear(8)", "branch.w", "DequantizeLinear(8)"),
                w.layerOperators());
        GraphProto thenBranch = w.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("If"))
                .findFirst().orElseThrow().getAttribute(0).getG();
        assertTrue(thenBranch.getNodeList().stream().anyMatch(n -> n.getOpType().equals("DequantizeLinear")
                && n.getOutput(0).equals("branch.w")));
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble() * 2 - 1;
        }
        List<Map<String, Tensor>> in = List.of(Map.of("x", Tensor.ofFloats(new long[] {1, 64}, x)));
        CpuRuntime cpu = new CpuRuntime();
        OutputComparison c = OutputComparison.of(cpu.run(model.toByteArray(), in), cpu.run(w.model().toByteArray(), in));
        assertTrue("max abs error " + c.maxAbsError(), c.maxAbsError() < 1e-3);

        // 3 bits: bit planes decoded by constants of the branch's own, named apart from the main graph's
        VariantWriter.Written planes = new VariantWriter(OnnxQuantizer.MATMUL_NBITS_WIDTHS).write(model, layers,
                Map.of("w1", 3, "branch.w", 3), 32, true);
        GraphProto branch = planes.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("If"))
                .findFirst().orElseThrow().getAttribute(0).getG();
        assertTrue(branch.getInitializerList().stream().anyMatch(t -> t.getName().startsWith("quant.g1.")));
        OutputComparison c3 = OutputComparison.of(cpu.run(model.toByteArray(), in),
                cpu.run(planes.model().toByteArray(), in));
        assertTrue("max abs error at 3 bits " + c3.maxAbsError(), c3.maxAbsError() < 0.05);
    }

    @Test
    public void aQuantizedVariantHasNothingLeftToQuantizeItsScalesAreReportedAsQuantizedParts() {
        // a MatMul weight (MatMulNBits) and another weight (DequantizeLinear), each with 4,096 scales at group 32
        GraphProto g = GraphProto.newBuilder().setName("two")
                .addInput(TestGraphs.floatValue("x", 1, 256)).addInput(TestGraphs.floatValue("z", 512, 256))
                .addInitializer(TestGraphs.floats("m", 1, 256, 512)).addInitializer(TestGraphs.floats("e", 2, 512, 256))
                .addNode(TestGraphs.node("MatMul", new String[] {"x", "m"}, new String[] {"y"}))
                .addNode(TestGraphs.node("Mul", new String[] {"z", "e"}, new String[] {"w"}))
                .addOutput(TestGraphs.floatValue("y", 1, 512)).addOutput(TestGraphs.floatValue("w", 512, 256)).build();
        ModelProto model = TestGraphs.model(g, 17, 8);
        List<Layer> layers = LayerScanner.scan(g).layers();
        assertEquals(2, layers.size());
        ModelProto variant = new VariantWriter(OnnxQuantizer.MATMUL_NBITS_WIDTHS).write(model, layers,
                Map.of("m", 8, "e", 8), 32, true).model();
        LayerScanner.Scan again = LayerScanner.scan(variant.getGraph());
        assertEquals(List.of(), again.layers());
        Map<String, String> reasons = new TreeMap<>();
        again.skipped().forEach(s -> reasons.put(s.name(), s.reason()));
        assertEquals(LayerScanner.QUANTIZED, reasons.get("m.nbits.scales"));
        assertEquals(LayerScanner.QUANTIZED, reasons.get("e.dq.scales"));
        assertEquals(LayerScanner.QUANTIZED, reasons.get("e.dq.codes"));
    }

    @Test
    public void aWeightWhoseNameABranchAlsoGivesItsOwnInitializerStaysFloatInBothGraphs() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addInitializer(TestGraphs.floats("w", 2, 32, 32))
                .addNode(TestGraphs.node("MatMul", new String[] {"y", "w"}, new String[] {"then_out"}))
                .addOutput(TestGraphs.floatValue("then_out", 1, 32)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(TestGraphs.node("Identity", new String[] {"y"}, new String[] {"else_out"}))
                .addOutput(TestGraphs.floatValue("else_out", 1, 32)).build();
        GraphProto g = GraphProto.newBuilder().setName("shadow").addInput(TestGraphs.floatValue("x", 1, 32))
                .addInitializer(TestGraphs.floats("w", 1, 32, 32)).addInitializer(TestGraphs.bool("cond", true))
                .addNode(TestGraphs.node("MatMul", new String[] {"x", "w"}, new String[] {"y"}))
                .addNode(TestGraphs.node("If", new String[] {"cond"}, new String[] {"out"},
                        TestGraphs.graph("then_branch", thenBranch), TestGraphs.graph("else_branch", elseBranch)))
                .addOutput(TestGraphs.floatValue("out", 1, 32)).build();
        LayerScanner.Scan scan = LayerScanner.scan(g);
        assertEquals(List.of(), scan.layers());
        assertEquals(2, scan.skipped().stream().filter(w -> w.name().equals("w")
                && w.reason().equals(LayerScanner.SHARED_NAME)).count());
    }
}
