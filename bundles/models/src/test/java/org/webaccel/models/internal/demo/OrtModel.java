package org.webaccel.models.internal.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;

/** A demo model loaded in native ONNX Runtime, fed inputs built from its descriptor. */
final class OrtModel implements AutoCloseable {
    final ModelDescriptor descriptor;
    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession session;

    OrtModel(String name) throws OrtException {
        this.descriptor = ShippedDemoModels.descriptor(name);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            this.session = env.createSession(ShippedDemoModels.model(name), options);
        }
    }

    /** An input value: its shape and its elements as long[] or float[]. */
    record Value(long[] shape, Object data) {
        float[] floats() {
            return (float[]) data;
        }

        long[] longs() {
            return (long[]) data;
        }
    }

    /** Random inputs the way a client would build them from the descriptor: sizes from dims, ints in valueRange. */
    Map<String, Value> randomInputs(Map<String, Long> dims, long seed) {
        Random random = new Random(seed);
        Map<String, Value> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : descriptor.inputs()) {
            long[] shape = shape(spec, dims);
            int count = (int) org.webaccel.api.tensor.Tensor.elementCount(shape);
            if (spec.dtype() == DType.INT64) {
                long[] v = new long[count];
                long min = spec.valueRange() == null ? 0 : spec.valueRange()[0];
                long max = spec.valueRange() == null ? 100 : spec.valueRange()[1];
                for (int i = 0; i < count; i++) {
                    v[i] = min + (long) (random.nextDouble() * (max - min + 1));
                }
                inputs.put(spec.name(), new Value(shape, v));
            } else if (spec.dtype() == DType.FLOAT32) {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    v[i] = random.nextFloat() * 2 - 1;
                }
                inputs.put(spec.name(), new Value(shape, v));
            } else {
                throw new AssertionError("demo models use int64 and float32 inputs only, not " + spec);
            }
        }
        return inputs;
    }

    /** Runs the model; every output of the demo models is float32. */
    Map<String, Value> run(Map<String, Value> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Value> e : inputs.entrySet()) {
                Value v = e.getValue();
                tensors.put(e.getKey(), v.data() instanceof long[] l
                        ? OnnxTensor.createTensor(env, LongBuffer.wrap(l), v.shape())
                        : OnnxTensor.createTensor(env, FloatBuffer.wrap(v.floats()), v.shape()));
            }
            Map<String, Value> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer b = t.getFloatBuffer();
                    float[] data = new float[b.remaining()];
                    b.get(data);
                    outputs.put(e.getKey(), new Value(t.getInfo().getShape(), data));
                }
            }
            return outputs;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    static long[] shape(TensorSpec spec, Map<String, Long> dims) {
        long[] shape = new long[spec.shape().size()];
        for (int i = 0; i < shape.length; i++) {
            Dim d = spec.shape().get(i);
            if (d.isSymbolic()) {
                Long size = dims.get(d.symbol());
                if (size == null) {
                    throw new AssertionError("no size for '" + d.symbol() + "' in " + dims);
                }
                shape[i] = size;
            } else {
                shape[i] = d.size();
            }
        }
        return shape;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
