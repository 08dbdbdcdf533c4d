package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.webaccel.api.health.FailureClass;

/** The messages below are the ones ONNX Runtime Web's wasm and WebGPU builds raise for each kind of failure. */
public class FailureClassifierTest {

    @Test
    public void outOfMemoryInWasmOrOnTheGpu() {
        assertEquals(FailureClass.OUT_OF_MEMORY, FailureClassifier.classify("RangeError",
                "WebAssembly.Memory.grow(): Maximum memory size exceeded"));
        assertEquals(FailureClass.OUT_OF_MEMORY, FailureClassifier.classify("RuntimeError", "Aborted(OOM)"));
        assertEquals(FailureClass.OUT_OF_MEMORY, FailureClassifier.classify("RangeError",
                "Array buffer allocation failed"));
        assertEquals(FailureClass.OUT_OF_MEMORY, FailureClassifier.classify("Error",
                "[WebGPU] device was lost: out of memory"));
    }

    @Test
    public void unsupportedOperatorOrProvider() {
        assertEquals(FailureClass.UNSUPPORTED_OPERATOR, FailureClassifier.classify("Error",
                "Could not find an implementation for Foo(1) node with name 'foo'"));
        assertEquals(FailureClass.UNSUPPORTED_OPERATOR, FailureClassifier.classify("Error",
                "no available backend found. ERR: [webgpu] backend not found."));
        assertEquals(FailureClass.UNSUPPORTED_OPERATOR, FailureClassifier.classify("Error",
                "this page has no working WebNN device"));
    }

    @Test
    public void inputTheModelRejects() {
        assertEquals(FailureClass.INVALID_INPUT, FailureClassifier.classify("Error",
                "Got invalid dimensions for input: x for the following indices index: 1 Got: 3 Expected: 4"));
        assertEquals(FailureClass.INVALID_INPUT, FailureClassifier.classify("Error",
                "input 'mask' is missing in 'feeds'."));
    }

    @Test
    public void anythingElseIsTheModelsOwnError() {
        assertEquals(FailureClass.MODEL_ERROR, FailureClassifier.classify("Error",
                "failed to load model: protobuf parsing failed"));
        assertEquals(FailureClass.MODEL_ERROR, FailureClassifier.classify("", ""));
        assertEquals(FailureClass.MODEL_ERROR, FailureClassifier.classify(null, null));
    }
}
