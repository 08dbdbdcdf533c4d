package org.webaccel.distribution;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
// fileinstall's own reader (shaded into its jar), so the test checks what the container will really read
import org.apache.felix.fileinstall.shaded.util.properties.TypedProperties;
import org.junit.Test;

public class ConfigurationFileTest {

    @Test
    public void namesPlainAndFactoryConfigurationsTheWayFileinstallParsesThem() {
        assertEquals("org.webaccel.pool.Pool.config", ConfigurationFile.fileName("org.webaccel.pool.Pool"));
        assertEquals("org.webaccel.grid.Grid-lab-a.config", ConfigurationFile.fileName("org.webaccel.grid.Grid~lab-a"));
    }

    @Test
    public void refusesAPidThatFileinstallWouldSplit() {
        assertThrows(IllegalArgumentException.class, () -> ConfigurationFile.fileName("org.webaccel.backend-chromium"));
    }

    @Test
    public void valuesKeepTheirTypesThroughFileinstallsReader() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", "C:\\models \"demo\" = #1");
        properties.put("workers", 4);
        properties.put("ratio", 0.5);
        properties.put("headless", true);
        properties.put("port:Integer", 8080);
        properties.put("flags", List.of("--headless", "--no-sandbox"));
        properties.put("home", "${webaccel.home}/models");

        // fileinstall resolves placeholders against the framework properties
        TypedProperties read = new TypedProperties((name, key, variable) -> variable.equals("webaccel.home") ? "/opt/webaccel" : null);
        read.load(new StringReader(ConfigurationFile.render("core.json", "org.webaccel.Probe", properties)));

        assertEquals("C:\\models \"demo\" = #1", read.get("name"));
        assertEquals(4L, read.get("workers"));
        assertEquals(0.5, read.get("ratio"));
        assertEquals(Boolean.TRUE, read.get("headless"));
        assertEquals(8080, read.get("port"));
        assertArrayEquals(new String[] {"--headless", "--no-sandbox"}, (String[]) read.get("flags"));
        assertEquals("/opt/webaccel/models", read.get("home"));
    }

    @Test
    public void refusesNestedObjects() {
        Map<String, Object> properties = Map.of("nested", Map.of("a", 1));
        assertThrows(IllegalArgumentException.class, () -> ConfigurationFile.render("core.json", "pid", properties));
    }
}
