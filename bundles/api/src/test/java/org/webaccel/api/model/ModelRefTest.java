package org.webaccel.api.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ModelRefTest {

    private static ModelDescriptor model(String version) {
        return new ModelDescriptor("bert", version, ModelType.of("text"), "", List.of(), List.of(), Map.of());
    }

    @Test
    public void aBareNameMeansTheHighestVersion() {
        ModelRef r = ModelRef.parse(" bert ");
        assertEquals("bert", r.name());
        assertNull(r.version());
        assertEquals("bert", r.toString());
        assertEquals("2", r.in(List.of(model("1"), model("2"))).orElseThrow().version());
    }

    @Test
    public void aVersionPicksThatOne() {
        ModelRef r = ModelRef.parse("bert:1");
        assertEquals("1", r.version());
        assertEquals("bert:1", r.toString());
        assertEquals("1", r.in(List.of(model("1"), model("2"))).orElseThrow().version());
        assertEquals(java.util.Optional.empty(), ModelRef.parse("bert:3").in(List.of(model("1"))));
    }

    @Test
    public void blankNamesAndVersionsAreRefused() {
        assertEquals("no model named: give a model name, or name:version",
                assertThrows(IllegalArgumentException.class, () -> ModelRef.parse("  ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelRef.parse(null));
        assertThrows(IllegalArgumentException.class, () -> ModelRef.parse(":1"));
        assertEquals("model 'bert:' names no version: give name or name:version",
                assertThrows(IllegalArgumentException.class, () -> ModelRef.parse("bert:")).getMessage());
    }
}
