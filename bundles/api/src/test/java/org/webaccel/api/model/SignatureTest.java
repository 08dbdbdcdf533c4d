package org.webaccel.api.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.tensor.DType;

public class SignatureTest {

    @Test
    public void dimensionsAreFixedOrSymbolic() {
        assertEquals("batch", Dim.symbolic("batch").toString());
        assertEquals("3", Dim.of(3).toString());
        try {
            new Dim(3, "batch");
            fail();
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("either"));
        }
    }

    @Test
    public void specsPrintTheirSignature() {
        TensorSpec s = TensorSpec.of("pixels", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3));
        assertEquals("pixels float32[batch, 3]", s.toString());
        ModelDescriptor m = new ModelDescriptor("img", "2", ModelType.VISION, null, List.of(s), List.of(), null);
        assertEquals("img:2", m.id());
        assertTrue(m.input("pixels").isPresent());
        assertTrue(m.input("other").isEmpty());
        assertEquals(Map.of(), m.exampleDims());
    }

    @Test
    public void namesParseWithHelpfulErrors() {
        assertEquals(ModelType.TEXT_EMBEDDING, ModelType.of("text-embedding"));
        assertEquals(ExecutionProvider.WEBGPU, ExecutionProvider.of("WebGPU"));
        try {
            ExecutionProvider.of("cuda");
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("unknown execution provider 'cuda'; expected one of [wasm, webgpu, webnn, auto]", e.getMessage());
        }
    }
}
