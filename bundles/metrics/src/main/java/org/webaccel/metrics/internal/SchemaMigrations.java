package org.webaccel.metrics.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a database to the newest schema. Each migration is applied once, in its own transaction together
 * with its row in {@code schema_version}, so a crash leaves the file at a whole version.
 */
final class SchemaMigrations {

    /** One step: the version it produces and the statements that get there from the version before. */
    record Migration(int version, List<String> statements) {
    }

    /** The schema's history; append, never edit, once released. */
    static final List<Migration> ALL = List.of(
            new Migration(1, List.of(
                    "CREATE TABLE inference ("
                            + " ts TIMESTAMP NOT NULL,"
                            + " model VARCHAR NOT NULL,"
                            + " model_version VARCHAR NOT NULL,"
                            + " model_type VARCHAR NOT NULL,"
                            + " backend VARCHAR NOT NULL,"
                            + " browser_version VARCHAR NOT NULL,"
                            + " execution_provider VARCHAR NOT NULL,"
                            + " worker VARCHAR NOT NULL,"
                            + " batch_size INTEGER NOT NULL,"
                            + " queued_ms DOUBLE NOT NULL,"
                            + " transfer_ms DOUBLE NOT NULL,"
                            + " compute_ms DOUBLE NOT NULL,"
                            + " total_ms DOUBLE NOT NULL,"
                            + " failure VARCHAR,"
                            + " input_bytes BIGINT NOT NULL)")),
            // rows written before version 2 ran models whose descriptors could not name a precision: fp32
            new Migration(2, List.of(
                    "ALTER TABLE inference ADD COLUMN precision VARCHAR DEFAULT 'fp32'",
                    "UPDATE inference SET precision = 'fp32' WHERE precision IS NULL")),
            // rows written before version 3 did not record them: NULL stays "not known"
            new Migration(3, List.of(
                    "ALTER TABLE inference ADD COLUMN load_ms DOUBLE",
                    "ALTER TABLE inference ADD COLUMN resident_bytes BIGINT")));

    private final List<Migration> migrations;

    SchemaMigrations(List<Migration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /** @return the newest version these migrations produce */
    int latest() {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    /**
     * @param c an open connection
     * @return the version the database is at now
     * @throws SQLException when a step fails, or the file comes from a newer release than this one
     */
    int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    + " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)");
        }
        int current = current(c);
        if (current > latest()) {
            throw new SQLException("metrics database is at schema version " + current + " but this bundle knows "
                    + "only up to " + latest() + "; use a newer org.webaccel.metrics or another database file");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (Migration m : migrations) {
                if (m.version() <= current) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version) VALUES (?)")) {
                    p.setInt(1, m.version());
                    p.executeUpdate();
                }
                c.commit();
                current = m.version();
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return current;
    }

    /** @return the highest applied version, 0 for a new database */
    static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            r.next();
            return r.getInt(1);
        }
    }
}
