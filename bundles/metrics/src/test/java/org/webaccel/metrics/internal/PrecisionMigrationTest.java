package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.model.ModelType;

/** A file written by schema version 1 (no precision column) is migrated to version 2 in place, rows kept. */
public class PrecisionMigrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static Connection connect(Path db) throws SQLException {
        return new DuckDBDriver().connect("jdbc:duckdb:" + db, new Properties());
    }

    @Test
    public void aVersionOneFileGainsThePrecisionColumnAndKeepsItsRows() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("data/metrics.duckdb");
        db.getParent().toFile().mkdirs();
        try (Connection c = connect(db)) {
            assertEquals(1, new SchemaMigrations(SchemaMigrations.ALL.subList(0, 1)).migrate(c));
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO inference VALUES (epoch_ms(" + NOW.minusSeconds(600).toEpochMilli() + "),"
                        + " 'bert', '1', 'text-embedding', 'chromium', '156.0', 'wasm', 'w1', 1,"
                        + " 0.5, 1.5, 20.0, 22.0, NULL, 4096)");
                s.execute("INSERT INTO inference VALUES (epoch_ms(" + NOW.minusSeconds(500).toEpochMilli() + "),"
                        + " 'bert', '1', 'text-embedding', 'firefox', '153.0', 'wasm', 'w2', 1,"
                        + " 0.5, 1.5, 30.0, 32.0, 'DeadlineExceededException', 4096)");
            }
        }

        DuckDbMetricsStore store = new DuckDbMetricsStore(settings(db, 100), Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            store.record(new InferenceRecord(NOW.minusSeconds(10), "bert", "1", ModelType.TEXT_EMBEDDING, "chromium",
                    "156.0", ExecutionProvider.WASM, "w1", 1, 0.5, 1.5, 8, 10, null, 4096, "int8"));
            await("1 written", () -> store.status().written() == 1);
            List<InferenceRecord> h = store.history("bert", 10);
            assertEquals(3, h.size());
            assertEquals("int8", h.get(0).precision());
            assertEquals("the migrated rows are fp32", "fp32", h.get(1).precision());
            assertEquals("fp32", h.get(2).precision());
            assertEquals("DeadlineExceededException", h.get(1).failure());
            assertEquals(22.0, h.get(2).totalMs(), 0);
        } finally {
            store.close();
        }

        try (Connection c = connect(db); Statement s = c.createStatement()) {
            List<Integer> versions = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
                while (r.next()) {
                    versions.add(r.getInt(1));
                }
            }
            assertEquals(List.of(1, 2, 3), versions);
            try (ResultSet r = s.executeQuery("SELECT data_type FROM information_schema.columns"
                    + " WHERE table_name = 'inference' AND column_name = 'precision'")) {
                r.next();
                assertEquals("VARCHAR", r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM inference WHERE precision IS NULL")) {
                r.next();
                assertEquals(0, r.getLong(1));
            }
        }
    }
}
