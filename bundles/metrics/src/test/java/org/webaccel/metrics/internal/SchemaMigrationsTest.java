package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SchemaMigrationsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Connection connect(Path db) throws SQLException {
        return new DuckDBDriver().connect("jdbc:duckdb:" + db, new Properties());
    }

    private static List<Integer> versions(Connection c) throws SQLException {
        List<Integer> v = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (r.next()) {
                v.add(r.getInt(1));
            }
        }
        return v;
    }

    @Test
    public void aNewFileGetsTheWholeSchemaOnceOnly() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("new.duckdb");
        SchemaMigrations m = new SchemaMigrations(SchemaMigrations.ALL);
        try (Connection c = connect(db)) {
            assertEquals(m.latest(), m.migrate(c));
        }
        try (Connection c = connect(db)) {
            assertEquals(m.latest(), m.migrate(c));
            assertEquals(List.of(1, 2, 3), versions(c));
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*) FROM inference")) {
                r.next();
                assertEquals(0, r.getLong(1));
            }
        }
    }

    @Test
    public void onlyMissingStepsAreAppliedInOrder() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("old.duckdb");
        try (Connection c = connect(db)) {
            new SchemaMigrations(SchemaMigrations.ALL).migrate(c);
        }
        List<SchemaMigrations.Migration> next = new ArrayList<>(SchemaMigrations.ALL);
        next.add(new SchemaMigrations.Migration(4, List.of("ALTER TABLE inference ADD COLUMN note VARCHAR")));
        try (Connection c = connect(db)) {
            assertEquals(4, new SchemaMigrations(next).migrate(c));
            assertEquals(List.of(1, 2, 3, 4), versions(c));
            try (Statement s = c.createStatement()) {
                s.execute("SELECT note FROM inference");
            }
        }
    }

    @Test
    public void aFailingStepLeavesTheFileAtTheLastWholeVersion() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("f.duckdb");
        List<SchemaMigrations.Migration> broken = new ArrayList<>(SchemaMigrations.ALL);
        broken.add(new SchemaMigrations.Migration(4, List.of("CREATE TABLE extra (x INTEGER)",
                "ALTER TABLE no_such_table ADD COLUMN y INTEGER")));
        try (Connection c = connect(db)) {
            new SchemaMigrations(broken).migrate(c);
            fail("a broken step must fail");
        } catch (SQLException expected) {
            // the step's first statement must have been rolled back with it
        }
        try (Connection c = connect(db)) {
            assertEquals(3, SchemaMigrations.current(c));
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables"
                            + " WHERE table_name = 'extra'")) {
                r.next();
                assertEquals(0, r.getLong(1));
            }
        }
    }

    @Test
    public void aFileFromANewerReleaseIsRefused() throws Exception {
        Path db = tmp.getRoot().toPath().resolve("newer.duckdb");
        try (Connection c = connect(db)) {
            new SchemaMigrations(SchemaMigrations.ALL).migrate(c);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO schema_version (version) VALUES (99)");
            }
        }
        try (Connection c = connect(db)) {
            new SchemaMigrations(SchemaMigrations.ALL).migrate(c);
            fail("version 99 must be refused");
        } catch (SQLException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("99"));
        }
    }
}
