package org.webaccel.harness;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;
import org.duckdb.DuckDBDriver;

/**
 * A week of image-classifier history in a metrics file of schema version 1 (before the precision column), as
 * an older release left it: the container must migrate it and show its trends. Chromium got faster (about
 * 25 ms in the baseline, 12 ms in the last day); Firefox stayed at about 30 ms.
 */
final class HistorySeed {
    private HistorySeed() {
    }

    static void write(Path file) throws SQLException {
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:" + file, new Properties())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                        + " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)");
                s.execute("INSERT INTO schema_version (version) VALUES (1)");
                s.execute("CREATE TABLE inference (ts TIMESTAMP NOT NULL, model VARCHAR NOT NULL,"
                        + " model_version VARCHAR NOT NULL, model_type VARCHAR NOT NULL, backend VARCHAR NOT NULL,"
                        + " browser_version VARCHAR NOT NULL, execution_provider VARCHAR NOT NULL,"
                        + " worker VARCHAR NOT NULL, batch_size INTEGER NOT NULL, queued_ms DOUBLE NOT NULL,"
                        + " transfer_ms DOUBLE NOT NULL, compute_ms DOUBLE NOT NULL, total_ms DOUBLE NOT NULL,"
                        + " failure VARCHAR, input_bytes BIGINT NOT NULL)");
            }
            Instant now = Instant.now();
            Random rnd = new Random(7);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO inference VALUES (epoch_ms(?),"
                    + " 'image-classifier', '1', 'vision', ?, ?, 'wasm', ?, 1, 0.5, 1.5, ?, ?, NULL, 12288)")) {
                for (int i = 0; i < 200; i++) {
                    // baseline: 2 to 7 days ago; recent: the last day, but not the last 10 minutes
                    Instant old = now.minus(Duration.ofDays(2)).minus(Duration.ofMinutes(36L * i));
                    Instant recent = now.minus(Duration.ofMinutes(10)).minus(Duration.ofMinutes(7L * i));
                    add(p, old, "chromium", 25 * Math.exp(0.15 * rnd.nextGaussian()));
                    add(p, recent, "chromium", 12 * Math.exp(0.15 * rnd.nextGaussian()));
                    add(p, old, "firefox", 30 * Math.exp(0.15 * rnd.nextGaussian()));
                    add(p, recent, "firefox", 30 * Math.exp(0.15 * rnd.nextGaussian()));
                }
                p.executeBatch();
            }
        }
    }

    private static void add(PreparedStatement p, Instant t, String backend, double totalMs) throws SQLException {
        p.setLong(1, t.toEpochMilli());
        p.setString(2, backend);
        p.setString(3, backend.equals("chromium") ? "156.0.8078.108" : "153.7.0esr");
        p.setString(4, backend + "-1-p1");
        p.setDouble(5, totalMs - 2);
        p.setDouble(6, totalMs);
        p.addBatch();
    }
}
