package lab.grokking.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A PostgreSQL database shared by every member: a HikariCP pool; a statement borrows a connection for itself, unless
 * its thread has a transaction open (then it joins that one, as on SQLite). Concurrency is the server's (row locks):
 * nothing is serialised here.
 */
final class PostgresDatabase extends JdbcDatabase {
    /** Held while migrating, so that members starting together migrate one after the other. */
    private static final long MIGRATION_LOCK = 0x67726f6b6c6162L; // "groklab"

    private final HikariDataSource pool;
    private final ThreadLocal<Connection> open = new ThreadLocal<>();
    private final String location;

    /**
     * {@code idleInTransactionSeconds}: the server ends a session of this pool that sits that long inside a transaction
     * (a member frozen mid-write: its row locks would otherwise stall every other member's claim of that run forever).
     */
    PostgresDatabase(String jdbcUrl, String user, String password, int poolSize, int idleInTransactionSeconds) {
        location = describe(jdbcUrl);
        if (poolSize < 1) throw new IllegalArgumentException("store.poolSize must be at least 1, got " + poolSize);
        if (idleInTransactionSeconds < 1)
            throw new IllegalArgumentException(
                    "cluster.maxNoHeartbeatSeconds (the store's idle-in-transaction limit) must be at least 1, got "
                            + idleInTransactionSeconds);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(10_000);
        hc.setPoolName("groklab-store");
        hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + idleInTransactionSeconds * 1000L);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc); // connects once: an unreachable store fails here, at start
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
        pool = ds;
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
            try {
                Migrations.apply(c, SqlDialect.POSTGRESQL);
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
            }
        } catch (SQLException | RuntimeException e) {
            pool.close();
            if (e instanceof SQLException q) throw failed("migrate the schema", q);
            throw (RuntimeException) e;
        }
    }

    /** "PostgreSQL at HOST:PORT/DB" from a JDBC URL: no parameters (they may carry a password). */
    static String describe(String jdbcUrl) {
        String prefix = "jdbc:postgresql://";
        if (jdbcUrl == null || !jdbcUrl.startsWith(prefix))
            throw new IllegalArgumentException("store.url must start with " + prefix + " (PostgreSQL), got "
                    + (jdbcUrl == null ? "nothing" : jdbcUrl.split("\\?")[0]));
        String rest = jdbcUrl.substring(prefix.length()).split("\\?")[0];
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash), db = slash < 0 ? "" : rest.substring(slash + 1);
        if (!hosts.contains(":")) hosts += ":5432";
        return "PostgreSQL at " + hosts + "/" + db;
    }

    /** One sentence naming the setting and where it points (never the password), with the driver's reason. */
    private IllegalStateException unreachable(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return new IllegalStateException(
                "cannot reach the run store that store.url names (" + location + "): " + root.getMessage(), e);
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    <T> T call(String what, Sql<T> sql) {
        Connection joined = open.get();
        try {
            if (joined != null) return sql.apply(joined);
            try (Connection c = pool.getConnection()) {
                return sql.apply(c);
            }
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    @Override
    void run(String what, SqlBody sql) {
        call(what, c -> {
            sql.run(c);
            return null;
        });
    }

    @Override
    public void inTransaction(String what, Runnable body) {
        if (open.get() != null) { // join: the outermost call commits or rolls back
            body.run();
            return;
        }
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            throw failed(what, e);
        }
        commitOrRollback(
                what,
                c,
                x -> {
                    x.setAutoCommit(false);
                    open.set(x);
                    body.run();
                    x.commit();
                },
                open::remove,
                Connection::close); // the pool resets auto-commit
    }

    /** PostgreSQL checks its own pages; what is left to ask is whether it answers. */
    @Override
    public List<String> integrityProblems() {
        return call("reach the store", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            return List.of();
        });
    }

    @Override
    public String location() {
        return location;
    }

    /** Unknown: the disk is the database server's. */
    @Override
    public long freeBytes() {
        return -1;
    }

    @Override
    public void close() {
        pool.close();
    }
}
