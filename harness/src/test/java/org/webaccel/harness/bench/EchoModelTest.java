package org.webaccel.harness.bench;

import static org.junit.Assert.assertArrayEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.Test;

/** The hand-written echo model is valid ONNX and returns its input, in ONNX Runtime Java. */
public class EchoModelTest {

    @Test
    public void onnxRuntimeRunsItAsIdentity() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] x = {1.5f, -2f, 3.25f, 0f, Float.MAX_VALUE};
        try (OrtSession s = env.createSession(EchoModel.onnx(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {x.length});
                OrtSession.Result r = s.run(Map.of("x", in))) {
            float[] y = (float[]) r.get("y").orElseThrow().getValue();
            assertArrayEquals(x, y, 0f);
        }
    }
}
