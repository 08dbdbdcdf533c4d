package org.webaccel.models.internal.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.models.internal.demo.OrtModel.Value;

/**
 * Every shipped demo model, as the bundle carries it, loads in native ONNX Runtime, declares the
 * signature its descriptor promises, and gives finite outputs of the promised shapes for the example
 * sizes and for others.
 */
@RunWith(Parameterized.class)
public class DemoModelsRunTest {

    @Parameters(name = "{0}")
    public static List<Object[]> models() {
        List<Object[]> p = new ArrayList<>();
        for (String n : ShippedDemoModels.NAMES) {
            p.add(new Object[] {n});
        }
        return p;
    }

    private final String name;
    private OrtModel model;

    public DemoModelsRunTest(String name) {
        this.name = name;
    }

    @Before
    public void load() throws Exception {
        model = new OrtModel(name);
    }

    @After
    public void close() throws Exception {
        model.close();
    }

    @Test
    public void graphSignatureMatchesTheDescriptor() throws Exception {
        assertSignature("input", model.descriptor.inputs(), model.session.getInputInfo());
        assertSignature("output", model.descriptor.outputs(), model.session.getOutputInfo());
    }

    @Test
    public void runsWithTheExampleDims() throws Exception {
        runAndCheck(model.descriptor.exampleDims(), 1);
    }

    @Test
    public void runsWithOtherBatchAndLengths() throws Exception {
        for (Map<String, Long> dims : otherSizes()) {
            runAndCheck(dims, 2);
        }
    }

    @Test
    public void differentInputsGiveDifferentOutputs() throws Exception {
        Map<String, Value> a = model.run(model.randomInputs(model.descriptor.exampleDims(), 3));
        Map<String, Value> b = model.run(model.randomInputs(model.descriptor.exampleDims(), 4));
        for (String out : a.keySet()) {
            float diff = maxAbsDiff(a.get(out).floats(), b.get(out).floats());
            assertTrue(name + " output " + out + " ignores its input (max difference " + diff + ")", diff > 1e-3);
        }
    }

    private List<Map<String, Long>> otherSizes() {
        Map<String, Long> example = model.descriptor.exampleDims();
        List<Map<String, Long>> sizes = new ArrayList<>();
        for (long[] variant : new long[][] {{3, 7}, {2, 1}, {1, 128}}) {
            Map<String, Long> dims = new HashMap<>(example);
            dims.put("batch", variant[0]);
            if (example.containsKey("sequence")) {
                dims.put("sequence", variant[1]);
            }
            if (example.containsKey("frames")) {
                dims.put("frames", variant[1] == 128 ? 301 : variant[1]);
            }
            sizes.add(dims);
        }
        return sizes;
    }

    private void runAndCheck(Map<String, Long> inputDims, long seed) throws Exception {
        Map<String, Value> outputs = model.run(model.randomInputs(inputDims, seed));
        assertEquals(name + " outputs", model.descriptor.outputs().stream().map(TensorSpec::name).toList(),
                new ArrayList<>(outputs.keySet()));
        // symbols seen only in outputs (audio 'time') must at least agree between outputs
        Map<String, Long> dims = new HashMap<>(inputDims);
        for (TensorSpec spec : model.descriptor.outputs()) {
            Value v = outputs.get(spec.name());
            String where = name + " " + spec.name() + " with " + inputDims;
            assertEquals(where + " rank", spec.shape().size(), v.shape().length);
            for (int i = 0; i < v.shape().length; i++) {
                Dim d = spec.shape().get(i);
                long actual = v.shape()[i];
                long expected = d.size();
                if (d.isSymbolic()) {
                    Long bound = dims.putIfAbsent(d.symbol(), actual);
                    expected = bound == null ? actual : bound;
                }
                assertEquals(where + " dim " + i + " (" + d + ") of " + Arrays.toString(v.shape()), expected, actual);
            }
            for (float f : v.floats()) {
                assertTrue(where + " has a non-finite value " + f, Float.isFinite(f));
            }
        }
        if (dims.containsKey("time")) {
            assertEquals("audio time = ceil(frames / 2)", (dims.get("frames") + 1) / 2, (long) dims.get("time"));
        }
    }

    private void assertSignature(String kind, List<TensorSpec> specs, Map<String, NodeInfo> graph) {
        assertEquals(name + " " + kind + " names in order", specs.stream().map(TensorSpec::name).toList(),
                new ArrayList<>(graph.keySet()));
        for (TensorSpec spec : specs) {
            TensorInfo info = (TensorInfo) graph.get(spec.name()).getInfo();
            DType dtype = info.type == OnnxJavaType.FLOAT ? DType.FLOAT32
                    : info.type == OnnxJavaType.INT64 ? DType.INT64 : null;
            assertEquals(name + " " + spec.name() + " dtype", spec.dtype(), dtype);
            long[] shape = info.getShape();
            String[] names = info.getDimensionNames();
            assertEquals(name + " " + spec.name() + " rank", spec.shape().size(), shape.length);
            for (int i = 0; i < shape.length; i++) {
                Dim d = spec.shape().get(i);
                if (d.isSymbolic()) {
                    assertEquals(name + " " + spec.name() + " dim " + i, -1L, shape[i]);
                    assertEquals(name + " " + spec.name() + " dim " + i + " name", d.symbol(), names[i]);
                } else {
                    assertEquals(name + " " + spec.name() + " dim " + i, d.size(), shape[i]);
                }
            }
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals("element count", a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
