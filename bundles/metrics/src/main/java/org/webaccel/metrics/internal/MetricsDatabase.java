package org.webaccel.metrics.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The DuckDB file and its one primary connection. The writer thread uses the primary connection; queries use
 * duplicates of it (connections to the same database instance), because DuckDB lets one process open a file
 * once. Opening can fail (unwritable folder, file locked by another process, schema from a newer release):
 * then the database is unavailable and the writer retries later.
 *
 * <p>No file I/O runs under the object's lock: one caller at a time opens (connects and migrates) with the lock
 * released, and a caller that finds another one opening gets no connection instead of waiting for it. Closing
 * takes the connection out under the lock and closes it outside.
 */
final class MetricsDatabase implements AutoCloseable {
    private static final Logger LOG = System.getLogger(MetricsDatabase.class.getName());

    private final Path file;
    private final SchemaMigrations migrations;
    private final AtomicBoolean opening = new AtomicBoolean();
    private DuckDBConnection primary;
    private boolean closed;
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
     * @return the primary connection, or null when the database cannot be opened now or another caller is
     *         opening it at this moment
     */
    DuckDBConnection open() {
        synchronized (this) {
            if (primary != null || closed) {
                return primary;
            }
        }
        if (!opening.compareAndSet(false, true)) {
            return null;
        }
        DuckDBConnection c = null;
        try {
            Files.createDirectories(file.getParent());
            // the driver class directly, not DriverManager: DriverManager does not see bundle class loaders
            c = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + file, new Properties());
            int version = migrations.migrate(c);
            LOG.log(Level.INFO, "metrics database {0} at schema version {1}", file, version);
            synchronized (this) {
                if (!closed) {
                    primary = c;
                    lastError = "";
                    return c;
                }
            }
            closeQuietly(c); // closed while it was being opened
            return null;
        } catch (Exception | UnsatisfiedLinkError e) {
            closeQuietly(c);
            String message = "cannot open metrics database " + file + ": " + e.getMessage();
            boolean repeated;
            synchronized (this) {
                repeated = message.equals(lastError);
                lastError = message;
            }
            if (!repeated) {
                LOG.log(Level.WARNING, message + "; inference records are dropped until it opens");
            }
            return null;
        } finally {
            opening.set(false);
        }
    }

    synchronized boolean isOpen() {
        return primary != null;
    }

    /** Closes the primary connection after a failure, so the next {@link #open()} starts afresh. */
    void invalidate() {
        DuckDBConnection c;
        synchronized (this) {
            c = primary;
            primary = null;
        }
        closeQuietly(c);
    }

    /**
     * @return a new connection to the open database, for one query
     * @throws SQLException when the database is not open
     */
    Connection forQuery() throws SQLException {
        DuckDBConnection c = open();
        if (c == null) {
            String why = lastError();
            throw new SQLException(why.isEmpty() ? "metrics database " + file + " is being opened; try again" : why);
        }
        return c.duplicate();
    }

    synchronized String lastError() {
        return lastError;
    }

    /** Closes the database for good: a later {@link #open()} gives no connection. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
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
