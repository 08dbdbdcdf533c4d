package org.webaccel.pool.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.Map;
import org.junit.Test;

public class ModelSettingsTest {

    @Test
    public void parsesNameValueLists() {
        assertEquals(Map.of("a", 2, "b-c", 10), ModelSettings.ints("s", " a=2, b-c = 10 "));
        assertEquals(Map.of(), ModelSettings.ints("s", ""));
    }

    @Test
    public void badEntriesNameTheSettingAndTheEntry() {
        expect("a", "modelConcurrency: 'a' is not name=value");
        expect("a=", "modelConcurrency: 'a=' is not name=value");
        expect("a=0", "modelConcurrency: 'a=0' needs a positive whole number");
        expect("a=x", "modelConcurrency: 'a=x' needs a positive whole number");
        expect("a=1,a=2", "modelConcurrency: 'a' is given twice");
    }

    private static void expect(String text, String message) {
        try {
            ModelSettings.ints("modelConcurrency", text);
            fail("accepted " + text);
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
