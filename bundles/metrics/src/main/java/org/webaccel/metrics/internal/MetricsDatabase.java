package org.webaccel.metrics.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The DuckDB file and its one primary connection. The writer thread uses the primary connection; queries use
 * duplicates of it (connections to the same database instance), because DuckDB lets one process open a file
 * once. Opening can fail (unwritable folder, file locked by another process, schema from a newer release):
 * then the database is unavailable and the writer retries later.
 */
final class MetricsDatabase implements AutoCloseable {
    private static final Logger LOG = System.getLogger(MetricsDatabase.class.getName());

    private final Path file;
    private final SchemaMigrations migrations;
    private DuckDBConnection primary;
    private String lastError = "";

    MetricsDatabase(Path file, SchemaMigrations migrations) {
        this.file = file;
        this.migrations = migrations;
    }

    Path file() {
        return file;
    }

    /**
     * Opens the file and migrates it, unless already open.
     *
     * @return the primary connection, or null when the database cannot be opened now
     */
    synchronized DuckDBConnection open() {
        if (primary != null) {
            return primary;
        }
        DuckDBConnection c = null;
        try {
            Files.createDirectories(file.getParent());
            // the driver class directly, not DriverManager: DriverManager does not see bundle class loaders
            c = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + file, new Properties());
            int version = migrations.migrate(c);
            LOG.log(Level.INFO, "metrics database {0} at schema version {1}", file, version);
            primary = c;
            lastError = "";
            return c;
        } catch (Exception | UnsatisfiedLinkError e) {
            closeQuietly(c);
            String message = "cannot open metrics database " + file + ": " + e.getMessage();
            if (!message.equals(lastError)) {
                LOG.log(Level.WARNING, message + "; inference records are dropped until it opens");
                lastError = message;
            }
            return null;
        }
    }

    synchronized boolean isOpen() {
        return primary != null;
    }

    /** Closes the primary connection after a failure, so the next {@link #open()} starts afresh. */
    synchronized void invalidate() {
        closeQuietly(primary);
        primary = null;
    }

    /**
     * @return a new connection to the open database, for one query
     * @throws SQLException when the database is not open
     */
    synchronized Connection forQuery() throws SQLException {
        DuckDBConnection c = open();
        if (c == null) {
            throw new SQLException(lastError);
        }
        return c.duplicate();
    }

    synchronized String lastError() {
        return lastError;
    }

    @Override
    public synchronized void close() {
        invalidate();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "closing metrics database", e);
            }
        }
    }
}
