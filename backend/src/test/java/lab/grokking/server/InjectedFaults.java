package lab.grokking.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import lab.grokking.server.store.WriteFaults;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Store faults on demand: writes (and commits) whose name matches fail as SQLite fails them. For SQLITE_FULL inside a
 * transaction SQLite may already have rolled it back, so this rolls back first: the case where the store's own
 * rollback then fails too ("no transaction is active") and once hid the cause.
 */
public final class InjectedFaults implements WriteFaults {
    private volatile Predicate<String> failing = what -> false;
    private volatile SQLiteErrorCode code = SQLiteErrorCode.SQLITE_FULL;
    public final AtomicInteger injected = new AtomicInteger();

    /** Fails every write or commit whose name contains one of {@code parts} (none: stops failing). */
    public InjectedFaults fail(SQLiteErrorCode code, String... parts) {
        this.code = code;
        failing = what -> {
            for (String p : parts) if (what.contains(p)) return true;
            return false;
        };
        return this;
    }

    public InjectedFaults diskFull(String... parts) {
        return fail(SQLiteErrorCode.SQLITE_FULL, parts);
    }

    public InjectedFaults heal() {
        failing = what -> false;
        return this;
    }

    @Override
    public void beforeWrite(String what, Connection c) throws SQLException {
        check(what, c);
    }

    @Override
    public void beforeCommit(String what, Connection c) throws SQLException {
        check(what, c);
    }

    private void check(String what, Connection c) throws SQLException {
        if (!failing.test(what)) return;
        injected.incrementAndGet();
        if (!c.getAutoCommit())
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            }
        throw new SQLiteException("[" + code.name() + "] " + code.message, code);
    }
}
