package lab.grokking.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * A database the JDBC repositories run on, whatever the engine: statements on the calling thread's open transaction if
 * there is one (see {@link UnitOfWork}), else each on its own; its {@link SqlDialect} says what differs.
 */
abstract class JdbcDatabase implements StoreDatabase {
    interface Sql<T> {
        T apply(Connection c) throws SQLException;
    }

    interface SqlBody {
        void run(Connection c) throws SQLException;
    }

    abstract SqlDialect dialect();

    /** Runs statements: in this thread's open transaction if there is one, else on their own. */
    abstract <T> T call(String what, Sql<T> sql);

    /** Runs statements that write. */
    abstract void run(String what, SqlBody sql);

    @Override
    public String kind() {
        return dialect().kind;
    }

    /** Commits one row: whether the store takes writes again (what a full disk refused). */
    @Override
    public void probeWrite() {
        run("write the health probe", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at")) {
                p.setLong(1, System.currentTimeMillis());
                p.executeUpdate();
            }
        });
    }

    /**
     * The end of a transaction on {@code c}, the same on every engine: {@code work} (which commits), then {@code left}
     * (the thread no longer in it); after any failure, an Error included, a rollback; then {@code release} (back to
     * auto-commit, or to the pool). A rollback or release failing after the first cause is suppressed in it, never
     * thrown in its place (after SQLITE_FULL, SQLite may have rolled back already: both then fail too).
     */
    final void commitOrRollback(String what, Connection c, SqlBody work, Runnable left, SqlBody release) {
        Throwable first = null;
        try {
            work.run(c);
        } catch (SQLException e) {
            first = failed(what, e);
        } catch (RuntimeException | Error e) {
            first = e;
        } finally {
            left.run();
        }
        if (first != null) {
            try {
                c.rollback();
            } catch (SQLException e) {
                first.addSuppressed(e);
            }
        }
        try {
            release.run(c);
        } catch (SQLException e) {
            if (first == null) first = failed(what, e);
            else first.addSuppressed(e);
        }
        if (first instanceof RuntimeException r) throw r;
        if (first instanceof Error r) throw r;
    }

    StoreException failed(String what, SQLException e) {
        StoreException.Kind kind = dialect().kindOf(e);
        return new StoreException(kind, "run store (" + kind.words() + "): cannot " + what + ": " + e.getMessage(), e);
    }

    /** Runs {@code sql} with the id as each of its parameters. */
    static void update(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int n = p.getParameterMetaData().getParameterCount();
            for (int i = 1; i <= n; i++) p.setString(i, id);
            p.executeUpdate();
        }
    }

    static Long nullableLong(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }

    static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
        if (v == null) p.setNull(i, Types.BIGINT);
        else p.setLong(i, v);
    }
}
