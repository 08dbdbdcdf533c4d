package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.Test;

public class SettingsTest {

    /** The configuration as the framework gives it when no configuration exists: every default. */
    private static MetricsConfig config(Map<String, Object> overrides) {
        return (MetricsConfig) Proxy.newProxyInstance(MetricsConfig.class.getClassLoader(),
                new Class<?>[] {MetricsConfig.class},
                (proxy, method, args) -> overrides.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    @Test
    public void theDefaultDatabaseLivesUnderTheHomeFolder() {
        Settings s = Settings.of(config(Map.of()), Path.of("/opt/webaccel"));
        assertEquals(Path.of("/opt/webaccel/data/metrics.duckdb"), s.database());
        assertEquals(0.01, s.thresholds().alpha(), 0);
        assertEquals(Duration.ofHours(24), s.trendRecent());
        assertEquals(Duration.ofHours(168), s.trendBaseline());
    }

    @Test
    public void anAbsoluteDatabasePathIsKept() {
        Settings s = Settings.of(config(Map.of("database", "/var/lib/webaccel/m.duckdb")), Path.of("/opt/webaccel"));
        assertEquals(Path.of("/var/lib/webaccel/m.duckdb"), s.database());
    }

    @Test(expected = IllegalArgumentException.class)
    public void anAlphaOutsideZeroToOneIsRefused() {
        Settings.of(config(Map.of("alpha", 1.5)), Path.of("/opt/webaccel"));
    }
}
