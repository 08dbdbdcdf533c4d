package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.webaccel.quantization.internal.TestGraphs.floatValue;
import static org.webaccel.quantization.internal.TestGraphs.ints;
import static org.webaccel.quantization.internal.TestGraphs.node;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.onnx.Onnx.GraphProto;
import org.webaccel.onnx.Onnx.ModelProto;
import org.webaccel.onnx.Onnx.NodeProto;

/**
 * Raising models of opsets 11 to 20 to 21: ONNX Runtime Java computes the same outputs before and after, in the
 * main graph and in If branches.
 */
public class OpsetUpgradeTest {
    private final CpuRuntime cpu = new CpuRuntime();

    private static List<Map<String, Tensor>> input(long... shape) {
        float[] v = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.7) * 3;
        }
        return List.of(Map.of("x", Tensor.ofFloats(shape, v)));
    }

    private void assertSameOutputs(ModelProto model, List<Map<String, Tensor>> in) throws Exception {
        ModelProto upgraded = OpsetUpgrade.upgrade(model);
        assertEquals(21, OpsetUpgrade.defaultOpset(upgraded));
        assertEquals(10, upgraded.getIrVersion());
        List<Map<String, float[]>> before = cpu.run(model.toByteArray(), in);
        List<Map<String, float[]>> after = cpu.run(upgraded.toByteArray(), in);
        assertEquals(before.get(0).keySet(), after.get(0).keySet());
        OutputComparison c = OutputComparison.of(before, after);
        assertEquals(0, c.maxAbsError(), 1e-6);
    }

    @Test
    public void opset11AttributesBecomeInputsAndSoftmaxKeepsItsFlattenedMeaning() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("old")
                .addInput(floatValue("x", 2, 3, 4))
                // Softmax-11 over the input flattened to [2, 12] at axis 1: not Softmax-13 over axis 1 alone
                .addNode(node("Softmax", new String[] {"x"}, new String[] {"s"}, Protos.intAttr("axis", 1)))
                .addNode(node("Unsqueeze", new String[] {"s"}, new String[] {"u"}, ints("axes", 0)))
                .addNode(node("Squeeze", new String[] {"u"}, new String[] {"q"}, ints("axes", 0)))
                .addNode(node("Split", new String[] {"q"}, new String[] {"a", "b"}, Protos.intAttr("axis", 2),
                        ints("split", 1, 3)))
                .addNode(node("ReduceSum", new String[] {"b"}, new String[] {"r"}, ints("axes", 2)))
                .addNode(node("ReduceMean", new String[] {"a"}, new String[] {"m"}, ints("axes", 1)))
                .addNode(node("LogSoftmax", new String[] {"x"}, new String[] {"l"}))
                .addOutput(floatValue("r", 2, 3, 1)).addOutput(floatValue("m", 2, 1, 1))
                .addOutput(floatValue("l", 2, 3, 4)).build();
        assertSameOutputs(TestGraphs.model(g, 11, 6), input(2, 3, 4));
    }

    @Test
    public void reduceNodesInsideIfBranchesAreRewrittenToo() throws Exception {
        ModelProto model = TestGraphs.runnableHeadWithBranch();
        assertSameOutputs(model, input(1, 64));
        NodeProto ifNode = OpsetUpgrade.upgrade(model).getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("If")).findFirst().orElseThrow();
        NodeProto reduce = ifNode.getAttribute(0).getG().getNodeList().stream()
                .filter(n -> n.getOpType().equals("ReduceMean")).findFirst().orElseThrow();
        assertEquals(2, reduce.getInputCount());
        assertTrue(reduce.getAttributeList().stream().noneMatch(a -> a.getName().equals("axes")));
    }

    @Test
    public void operatorsWhoseChangeIsNotRewrittenAndOpsetsBefore11AreRefusedByName() {
        GraphProto g = GraphProto.newBuilder().setName("gn").addInput(floatValue("x", 1, 4, 2))
                .addInitializer(TestGraphs.floats("scale", 1, 2)).addInitializer(TestGraphs.floats("bias", 2, 2))
                .addNode(node("GroupNormalization", new String[] {"x", "scale", "bias"}, new String[] {"y"},
                        Protos.intAttr("num_groups", 2)))
                .addOutput(floatValue("y", 1, 4, 2)).build();
        try {
            OpsetUpgrade.upgrade(TestGraphs.model(g, 18, 8));
            fail("GroupNormalization-18 upgraded");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("GroupNormalization 'y_node' takes scale and bias per "
                    + "group at opset 18"));
        }
        try {
            OpsetUpgrade.upgrade(TestGraphs.model(g, 10, 5));
            fail("opset 10 upgraded");
        } catch (IllegalArgumentException e) {
            assertEquals("the model uses opset 10; quantization needs opset 11 or newer (convert it with "
                    + "onnx.version_converter first)", e.getMessage());
        }
    }

    @Test
    public void splitWithoutSizesAndRoiAlignsOldDefaultModeKeepTheirMeaningFromOpset13() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("rois")
                .addInput(floatValue("x", 1, 1, 8, 8))
                .addInitializer(Protos.floats("rois", new float[] {0.5f, 1.5f, 6f, 5f}, 1, 4))
                .addInitializer(TestGraphs.longs("batch", 0))
                .addNode(node("RoiAlign", new String[] {"x", "rois", "batch"}, new String[] {"r"},
                        Protos.intAttr("output_height", 2), Protos.intAttr("output_width", 3)))
                .addNode(node("Split", new String[] {"x"}, new String[] {"top", "bottom"}, Protos.intAttr("axis", 2)))
                .addOutput(floatValue("r", 1, 1, 2, 3)).addOutput(floatValue("top", 1, 1, 4, 8))
                .addOutput(floatValue("bottom", 1, 1, 4, 8)).build();
        ModelProto model = TestGraphs.model(g, 13, 7);
        assertSameOutputs(model, input(1, 1, 8, 8));
        // ONNX Runtime splits evenly without it, but Split-18 requires num_outputs when no sizes are given
        NodeProto split = OpsetUpgrade.upgrade(model).getGraph().getNode(1);
        assertEquals("num_outputs", split.getAttribute(1).getName());
        assertEquals(2, split.getAttribute(1).getI());
    }

    @Test
    public void gridSampleKeepsItsModeUnderItsNewName() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("grid")
                .addInput(floatValue("x", 1, 1, 4, 4))
                .addInitializer(Protos.floats("grid", new float[] {-0.9f, -0.3f, 0.2f, 0.7f, 0.5f, -0.5f, 0.1f,
                        0.9f}, 1, 2, 2, 2))
                .addNode(node("GridSample", new String[] {"x", "grid"}, new String[] {"y"},
                        Protos.stringAttr("mode", "bicubic"), Protos.intAttr("align_corners", 1)))
                .addOutput(floatValue("y", 1, 1, 2, 2)).build();
        ModelProto model = TestGraphs.model(g, 16, 8);
        assertSameOutputs(model, input(1, 1, 4, 4));
        NodeProto upgraded = OpsetUpgrade.upgrade(model).getGraph().getNode(0);
        assertEquals("cubic", upgraded.getAttribute(0).getS().toStringUtf8());
    }

    @Test
    public void dftTakesItsAxisAsAnInputFromOpset20() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("dft")
                .addInput(floatValue("x", 2, 8, 1))
                .addNode(node("DFT", new String[] {"x"}, new String[] {"y"}, Protos.intAttr("onesided", 1)))
                .addOutput(floatValue("y", 2, 5, 2)).build();
        assertSameOutputs(TestGraphs.model(g, 17, 8), input(2, 8, 1));
    }
}
