package lab.grokking.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One SQLite file (runs.db) in the data directory, WAL journal, shared by the SQLite repositories. A committed
 * transaction survives a killed process (WAL with synchronous=NORMAL loses at most the last transactions on power
 * loss, never on a crash of the JVM). One connection, serialised on this object: writes are small and rare (rows
 * are batched per checkpoint), and hot reads come from the cache. A transaction holds the lock to its end, so no
 * other thread's statement lands inside it.
 */
final class SqliteDatabase extends JdbcDatabase {
    private final Connection c;
    private final WriteFaults faults;
    private final Path dir;
    private int depth; // open inTransaction calls; > 0: the connection is in a transaction that nested calls join

    SqliteDatabase(Path dataDir) {
        this(dataDir, WriteFaults.NONE);
    }

    SqliteDatabase(Path dataDir, WriteFaults faults) {
        this.faults = faults;
        this.dir = dataDir.toAbsolutePath();
        Path file = dataDir.resolve("runs.db").toAbsolutePath();
        Connection opened = null;
        try {
            Files.createDirectories(dataDir);
            StoreCheck.check(file); // before the read-write connection: a damaged file is never written
            opened = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = opened.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            Migrations.apply(opened, SqlDialect.SQLITE);
            StoreCheck.mark(opened);
        } catch (IOException | SQLException | RuntimeException e) {
            closeAfterFailure(opened, e);
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("cannot open the run store in " + dataDir + ": " + e.getMessage(), e);
        }
        c = opened;
    }

    private static void closeAfterFailure(Connection opened, Exception failure) {
        if (opened == null) return;
        try {
            opened.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.SQLITE;
    }

    /** Runs statements on the connection: in the open transaction if there is one, else each on its own. */
    @Override
    synchronized <T> T call(String what, Sql<T> sql) {
        try {
            return sql.apply(c);
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    /** Runs statements that write (the fault seam sees each before it runs). */
    @Override
    synchronized void run(String what, SqlBody sql) {
        call(what, c -> {
            faults.beforeWrite(what, c);
            sql.run(c);
            return null;
        });
    }

    @Override
    public synchronized void inTransaction(String what, Runnable body) {
        if (depth > 0) { // join: the outermost call commits or rolls back
            body.run();
            return;
        }
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            throw failed(what, e);
        }
        depth++;
        commitOrRollback(
                what,
                c,
                x -> {
                    body.run();
                    faults.beforeCommit(what, x);
                    x.commit();
                },
                () -> depth--,
                x -> x.setAutoCommit(true));
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public long freeBytes() {
        return dir.toFile().getUsableSpace();
    }

    @Override
    public synchronized List<String> integrityProblems() {
        return call("check integrity", c -> {
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                    while (r.next()) if (!"ok".equals(r.getString(1))) problems.add(r.getString(1));
                }
                try (ResultSet r = s.executeQuery("PRAGMA foreign_key_check")) {
                    while (r.next()) problems.add("dangling reference in " + r.getString(1));
                }
            }
            return problems;
        });
    }

    @Override
    public synchronized void close() {
        try {
            c.close();
        } catch (SQLException e) {
            throw failed("close the store", e);
        }
    }
}
