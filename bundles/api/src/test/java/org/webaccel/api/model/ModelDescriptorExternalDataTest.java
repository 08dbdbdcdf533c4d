package org.webaccel.api.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.webaccel.api.tensor.DType;

/** A descriptor's external data files: plain names beside the model file, none unless given. */
public class ModelDescriptorExternalDataTest {
    private static final List<TensorSpec> IN = List.of(TensorSpec.of("x", DType.FLOAT32, Dim.of(4)));

    @Test
    public void aDescriptorWithoutExternalDataListsNone() {
        assertEquals(List.of(), new ModelDescriptor("m", "1", ModelType.UNKNOWN, "", IN, IN, null).externalData());
        assertEquals(List.of(), new ModelDescriptor("m", "1", ModelType.UNKNOWN, "", IN, IN, null, "fp16")
                .externalData());
    }

    @Test
    public void theFilesAreCopiedAndKeptThroughWith() {
        List<String> files = new ArrayList<>(List.of("weights.bin", "weights-2.bin"));
        ModelDescriptor d = new ModelDescriptor("m", "1", ModelType.UNKNOWN, "", IN, IN, null, "fp16")
                .withExternalData(files);
        files.clear();
        assertEquals(List.of("weights.bin", "weights-2.bin"), d.externalData());
        assertEquals("fp16", d.precision());
        assertEquals(List.of(), d.withExternalData(null).externalData());
    }

    @Test
    public void aFileThatIsNotAPlainNameIsRefused() {
        for (String bad : List.of("", ".", "..", "../w.bin", "sub/w.bin", "/w.bin", "a\\b")) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class,
                    () -> new ModelDescriptor("m", "1", ModelType.UNKNOWN, "", IN, IN, null, null, List.of(bad)));
            assertEquals("external data file '" + bad + "' of model 'm' must be a plain file name beside the model "
                    + "file", e.getMessage());
        }
    }
}
