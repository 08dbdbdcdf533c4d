package org.webaccel.harness;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.webaccel.api.tensor.Tensor;

/** ONNX Runtime Java on the CPU: the native reference every browser result is checked against. */
public final class NativeReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Map<Path, OrtSession> sessions = new ConcurrentHashMap<>();

    /** @return the outputs of the model at {@code file} for {@code inputs}, as float arrays by name */
    public Map<String, float[]> run(Path file, Map<String, Tensor> inputs) throws OrtException {
        Map<String, float[]> out = new LinkedHashMap<>();
        runTensors(file, inputs).forEach((name, t) -> out.put(name, t.toFloats()));
        return out;
    }

    /** @return the outputs of the model at {@code file} for {@code inputs}, each of its own element type and shape */
    public synchronized Map<String, Tensor> runTensors(Path file, Map<String, Tensor> inputs) throws OrtException {
        OrtSession session = sessions.get(file);
        if (session == null) {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            session = env.createSession(file.toString(), options);
            sessions.put(file, session);
        }
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                feeds.put(e.getKey(), OrtTensors.toOrt(env, e.getValue()));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feeds)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    out.put(e.getKey(), OrtTensors.fromOrt((OnnxTensor) e.getValue()));
                }
            }
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Checks every output of a browser result against this reference.
     *
     * @throws AssertionError naming the model, output, execution provider and the difference
     */
    public void assertMatches(Path modelFile, Map<String, Tensor> inputs, org.webaccel.api.InferenceResult r,
            double tolerance) throws OrtException {
        Map<String, float[]> expected = run(modelFile, inputs);
        if (!expected.keySet().equals(r.outputs().keySet())) {
            throw new AssertionError(r.model() + " outputs " + r.outputs().keySet() + ", expected " + expected.keySet());
        }
        for (String name : expected.keySet()) {
            double diff = maxAbsDiff(expected.get(name), r.output(name).toFloats());
            if (!(diff <= tolerance)) {
                throw new AssertionError(r.model() + " output " + name + " on " + r.executionProvider() + " (worker "
                        + r.worker() + ") differs from the native reference by " + diff);
            }
        }
    }

    /**
     * Checks {@code |actual - expected| <= atol + rtol * |expected|} element by element, as numpy's allclose does.
     *
     * @param what names the values in the failure message
     * @return the largest absolute difference
     * @throws AssertionError naming the first element out of tolerance
     */
    public static double assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (!(d <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + " differs from the native reference at flat index " + i + ": "
                        + actual[i] + " vs " + expected[i] + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
        return maxAbsDiff(expected, actual);
    }

    /** @return the largest absolute difference between two equally long arrays */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    @Override
    public void close() throws OrtException {
        for (OrtSession s : sessions.values()) {
            s.close();
        }
    }
}
