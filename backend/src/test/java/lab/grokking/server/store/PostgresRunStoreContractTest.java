package lab.grokking.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract on PostgreSQL: one database for the class (emptied before each test); two {@link PostgresRunStore}
 * objects on it are two members.
 */
class PostgresRunStoreContractTest extends RunStoreContract {
    private static String url;

    @BeforeAll
    static void database() {
        url = TestPostgres.shared().newDatabase();
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = raw();
                Statement s = c.createStatement()) {
            s.execute("SELECT to_regclass('runs') IS NOT NULL");
            try (var r = s.getResultSet()) {
                if (!r.next() || !r.getBoolean(1)) return; // not migrated yet: empty
            }
            s.execute("TRUNCATE runs, metrics, snapshots, checkpoints, labs, lab_runs, sweeps, sweep_members,"
                    + " store_probe");
            s.execute("DELETE FROM schema_version WHERE version > " + Migrations.SCRIPTS.size());
        }
    }

    @Override
    protected RunStore newStore() {
        TestPostgres pg = TestPostgres.shared();
        return pg.store(url, 4);
    }

    @Override
    protected Connection raw() throws SQLException {
        TestPostgres pg = TestPostgres.shared();
        return DriverManager.getConnection(url, pg.user(), pg.password());
    }

    @Override
    protected String kind() {
        return "postgresql";
    }
}
