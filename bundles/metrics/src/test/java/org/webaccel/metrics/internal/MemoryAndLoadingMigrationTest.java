package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.Trend;
import org.webaccel.api.model.ModelType;

/**
 * A file an older release wrote at schema version 2 (no session-creation time, no browser memory) opens,
 * migrates to version 3 with its rows kept as "not known", and takes records with both.
 */
public class MemoryAndLoadingMigrationTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static Connection connect(Path db) throws SQLException {
        return new DuckDBDriver().connect("jdbc:duckdb:" + db, new Properties());
    }

    /** The file as version 2 left it: its DDL written out here, not taken from the migrations. */
    private static void writeVersionTwoFile(Path db) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                    + " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)");
            s.execute("INSERT INTO schema_version (version) VALUES (1), (2)");
            s.execute("CREATE TABLE inference (ts TIMESTAMP NOT NULL, model VARCHAR NOT NULL,"
                    + " model_version VARCHAR NOT NULL, model_type VARCHAR NOT NULL, backend VARCHAR NOT NULL,"
                    + " browser_version VARCHAR NOT NULL, execution_provider VARCHAR NOT NULL, worker VARCHAR NOT NULL,"
                    + " batch_size INTEGER NOT NULL, queued_ms DOUBLE NOT NULL, transfer_ms DOUBLE NOT NULL,"
                    + " compute_ms DOUBLE NOT NULL, total_ms DOUBLE NOT NULL, failure VARCHAR,"
                    + " input_bytes BIGINT NOT NULL, precision VARCHAR DEFAULT 'fp32')");
            // 30 rows two days ago: old enough for the baseline window of the trends
            for (int i = 0; i < 30; i++) {
                s.execute("INSERT INTO inference VALUES (epoch_ms("
                        + NOW.minus(Duration.ofHours(48)).plusSeconds(60L * i).toEpochMilli() + "),"
                        + " 'bert', '1', 'text-embedding', 'chromium', '156.0', 'wasm', 'w1', 1,"
                        + " 0.5, 1.5, 20.0, 22.0, NULL, 4096, 'int8')");
            }
        }
    }

    @Test
    public void aVersionTwoFileKeepsItsRowsAndRecordsMemoryAndLoadingFromNowOn() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("metrics.duckdb");
        writeVersionTwoFile(db);

        DuckDbMetricsStore store = new DuckDbMetricsStore(settings(db, 100), Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            List<InferenceRecord> old = store.history("bert", 100);
            assertEquals(30, old.size());
            assertTrue("not recorded then: " + old.get(0), Double.isNaN(old.get(0).loadMs()));
            assertEquals(-1, old.get(0).residentBytes());
            assertEquals("int8", old.get(0).precision());
            assertEquals(22.0, old.get(0).totalMs(), 0);

            for (int i = 0; i < 30; i++) {
                store.record(new InferenceRecord(NOW.minusSeconds(600 + 10L * i), "bert", "1",
                        ModelType.TEXT_EMBEDDING, "chromium", "156.0", ExecutionProvider.WASM, "w1", 1, 0.5, 1.5, 20,
                        22, null, 4096, "int8", i == 0 ? 850.0 : 0.0, 400L << 20));
            }
            await("30 written", () -> store.status().written() == 30);
            InferenceRecord latest = store.history("bert:1", 1).get(0);
            assertEquals("the latest created the session", 850.0, latest.loadMs(), 0);
            assertEquals(400L << 20, latest.residentBytes());
            String table = new org.webaccel.metrics.internal.shell.ReportCommands(store,
                    Clock.fixed(NOW, ZoneOffset.UTC)).history("1", false, "bert");
            assertTrue(table, table.split("\\R")[1].matches(".*\\s20\\.0\\s+22\\.0\\s+850\\.0\\s+400\\s+ok"));
            InferenceRecord next = store.history("bert", 30).get(29);
            assertEquals(0.0, next.loadMs(), 0);

            // the old rows have no memory: no baseline, so no memory trend; latency has both windows
            assertEquals(List.of(), store.trends(Metric.MEMORY));
            List<Trend> latency = store.trends(Metric.LATENCY);
            assertEquals(1, latency.size());
            assertEquals(30, latency.get(0).baselineCount());
            assertEquals(30, latency.get(0).recentCount());
        } finally {
            store.close();
        }

        try (Connection c = connect(db); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
                r.next();
                assertEquals(3, r.getInt(1));
            }
            try (ResultSet r = s.executeQuery("SELECT count(*), count(load_ms), count(resident_bytes),"
                    + " count(*) FILTER (WHERE load_ms > 0) FROM inference")) {
                r.next();
                assertEquals(60, r.getLong(1));
                assertEquals("only the new rows know them", 30, r.getLong(2));
                assertEquals(30, r.getLong(3));
                assertEquals(1, r.getLong(4));
            }
        }
    }
}
