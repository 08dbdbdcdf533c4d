package org.webaccel.scheduler.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelType;

public class AffinityTableTest {

    private static final String DEFAULT = "audio=firefox/webgpu,vision=chromium/webgpu,text-embedding=*/webnn,"
            + "text=*/webnn,multimodal=chromium/webgpu";

    @Test
    public void theDefaultTableNamesEveryKnownModelType() {
        AffinityTable t = AffinityTable.parse(Fixtures.config().affinity());
        assertEquals(AffinityTable.parse(DEFAULT).toString(), t.toString());
        assertEquals("written back, it parses to itself", t.toString(), AffinityTable.parse(t.toString()).toString());
        for (ModelType type : ModelType.values()) {
            // a model no descriptor describes gets no browser preference of its type
            assertEquals(type.id(), type != ModelType.UNKNOWN, t.preference(type).isPresent());
        }
        assertEquals(new AffinityTable.Preference("firefox", ExecutionProvider.WEBGPU),
                t.preference(ModelType.AUDIO).orElseThrow());
        assertTrue(t.preference(ModelType.TEXT).orElseThrow().anyFamily());
        assertFalse(t.preference(ModelType.VISION).orElseThrow().anyFamily());
    }

    @Test
    public void spacesAndCaseAreForgiven() {
        AffinityTable t = AffinityTable.parse(" Vision = Chromium / WEBGPU , audio=*/wasm ");
        assertEquals(new AffinityTable.Preference("chromium", ExecutionProvider.WEBGPU),
                t.preference(ModelType.VISION).orElseThrow());
        assertEquals(ExecutionProvider.WASM, t.preference(ModelType.AUDIO).orElseThrow().provider());
        assertFalse(t.preference(ModelType.TEXT).isPresent());
    }

    @Test
    public void aBlankTableIsEmpty() {
        AffinityTable t = AffinityTable.parse("  ");
        for (ModelType type : ModelType.values()) {
            assertFalse(t.preference(type).isPresent());
        }
    }

    @Test
    public void malformedEntriesAreNamedWithWhatIsWrong() {
        assertError("vision=chromium", "'vision=chromium' must read 'type=family/provider'");
        assertError("vision chromium/webgpu", "'vision chromium/webgpu' must read 'type=family/provider'");
        assertError("vision=chromium/webgpu/x", "'vision=chromium/webgpu/x' must read");
        assertError("audio=firefox/webgpu,pictures=chromium/webgpu",
                "affinity entry 'pictures=chromium/webgpu': unknown model type 'pictures'");
        assertError("vision=chromium/cuda", "affinity entry 'vision=chromium/cuda': unknown execution provider 'cuda'");
        assertError("vision=/webgpu", "affinity entry 'vision=/webgpu' names no browser family");
        assertError("vision=chromium/auto", "'vision=chromium/auto': the provider must be wasm, webgpu or webnn");
        assertError("vision=chromium/webgpu,vision=firefox/wasm",
                "'vision=firefox/wasm': model type 'vision' is already given as 'chromium/webgpu'");
        assertError("vision=chromium/webgpu,,audio=firefox/webgpu", "has an empty entry");
    }

    @Test
    public void aMalformedConfigurationStopsActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.from(Fixtures.config("affinity", "vision=chromium")));
        assertTrue(e.getMessage(), e.getMessage().contains("'vision=chromium'"));
    }

    private static void assertError(String table, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffinityTable.parse(table));
        assertTrue("'" + e.getMessage() + "' should contain '" + expected + "'", e.getMessage().contains(expected));
    }
}
