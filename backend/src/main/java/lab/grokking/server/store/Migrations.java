package lab.grokking.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * Brings a database to the newest schema: scripts V{n}__*.sql of its dialect (db/ for SQLite, db/postgres/ for
 * PostgreSQL: the same numbers and names in each) run in order, each in one transaction with its row in
 * schema_version, so a crash mid-migration leaves the previous version intact.
 */
final class Migrations {
    /** In order; append only, never edit a script that has shipped. */
    static final List<String> SCRIPTS = List.of(
            "V1__runs.sql",
            "V2__labs.sql",
            "V3__probe.sql",
            "V4__run_lab.sql",
            "V5__runs_by_client.sql",
            "V6__stored_bytes.sql",
            "V7__sweeps.sql",
            "V8__lab_runs.sql",
            "V9__ownership.sql");

    private Migrations() {}

    /** Applies the scripts the database has not seen; returns the schema version. */
    static int apply(Connection c, SqlDialect dialect) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        }
        int current = 0;
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            if (r.next()) current = r.getInt(1);
        }
        if (current > SCRIPTS.size())
            throw new IllegalStateException(
                    (dialect == SqlDialect.SQLITE ? "the data directory's" : "the PostgreSQL store's")
                            + " schema version " + current + " is newer than this build's " + SCRIPTS.size()
                            + "; run a newer Grokking Lab or point "
                            + (dialect == SqlDialect.SQLITE ? "GROKLAB_DATA_DIR" : "store.url") + " elsewhere");
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (int v = current + 1; v <= SCRIPTS.size(); v++) {
                String script = SCRIPTS.get(v - 1);
                try (Statement s = c.createStatement()) {
                    for (String sql : statements(read(dialect.migrations + script))) s.execute(sql);
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?)")) {
                    p.setInt(1, v);
                    p.setString(2, script);
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                c.commit();
                current = v;
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return current;
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) throw new IllegalStateException("migration " + script + " missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
    }

    /** Splits a script on ';' at line ends, dropping "--" comment lines (the scripts hold no ';' inside strings). */
    static List<String> statements(String script) {
        StringBuilder b = new StringBuilder();
        for (String line : script.split("\n"))
            if (!line.strip().startsWith("--")) b.append(line).append('\n');
        return Arrays.stream(b.toString().split(";\\s*\n"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
