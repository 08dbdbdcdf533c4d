package org.webaccel.quantization.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.tensor.Tensor;

/**
 * ONNX Runtime Java on the CPU, one thread: runs a model held in memory over a set of inputs. It measures
 * sensitivity and checks plans while quantizing; the browsers measure the finished variant.
 */
final class CpuRuntime {
    private final OrtEnvironment env;

    CpuRuntime() {
        this.env = OrtEnvironment.getEnvironment();
    }

    /** @return per input, the float outputs by name */
    List<Map<String, float[]>> run(byte[] model, List<Map<String, Tensor>> inputs) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(model, options)) {
                List<Map<String, float[]>> results = new ArrayList<>();
                for (Map<String, Tensor> in : inputs) {
                    results.add(runOnce(session, in));
                }
                return results;
            }
        }
    }

    private Map<String, float[]> runOnce(OrtSession session, Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                ByteBuffer b = ByteBuffer.allocateDirect(t.byteSize()).order(ByteOrder.nativeOrder());
                b.put(t.buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN)).flip();
                feeds.put(e.getKey(), switch (t.dtype()) {
                    case FLOAT32 -> OnnxTensor.createTensor(env, b.asFloatBuffer(), t.shape());
                    case INT64 -> OnnxTensor.createTensor(env, b.asLongBuffer(), t.shape());
                    case INT32 -> OnnxTensor.createTensor(env, b.asIntBuffer(), t.shape());
                    default -> throw new IllegalArgumentException("input '" + e.getKey() + "' is " + t.dtype()
                            + "; the CPU check takes float32, int64 and int32 inputs");
                });
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feeds)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    if (fb == null) {
                        throw new IllegalArgumentException("output '" + e.getKey() + "' is not float32; quantization "
                                + "compares float outputs only");
                    }
                    float[] f = new float[fb.remaining()];
                    fb.get(f);
                    out.put(e.getKey(), f);
                }
            }
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
