package lab.grokking.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * What differs between the engines under the same repositories: the tie-break column for insertion order, where the
 * migrations live, and how an error code reads as a {@link StoreException.Kind}. Everything else is the SQL both take
 * (upserts as {@code INSERT ... ON CONFLICT}, blobs through setBytes/getBytes, epoch millis as 64-bit integers).
 */
enum SqlDialect {
    SQLITE("sqlite", "rowid", "/db/"),
    POSTGRESQL("postgresql", "seq", "/db/postgres/");

    /** What {@link RunStore#kind()} says. */
    final String kind;

    /** The column that orders rows of the same millisecond by insertion (SQLite's rowid, a BIGSERIAL in PostgreSQL). */
    final String insertionOrder;

    /** The classpath folder of this engine's migration scripts (the same numbers in each). */
    final String migrations;

    SqlDialect(String kind, String insertionOrder, String migrations) {
        this.kind = kind;
        this.insertionOrder = insertionOrder;
        this.migrations = migrations;
    }

    StoreException.Kind kindOf(SQLException e) {
        return this == SQLITE ? StoreException.kindOf(e) : postgresKind(e);
    }

    /** PostgreSQL's SQLSTATE classes: a lost or refused connection is an I/O error (runs pause; the probe resumes them). */
    private static StoreException.Kind postgresKind(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException)
            return StoreException.Kind.IO;
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("53100") || state.equals("53200")) return StoreException.Kind.FULL; // disk full, out of memory
        // 25P03: the server ended a session idle in a transaction (this member froze mid-write): pause and retry, as
        // for a lost connection; the retry is refused if another member took the run meanwhile
        if (state.startsWith("08") || state.equals("58030") || state.startsWith("57P") || state.equals("25P03"))
            return StoreException.Kind.IO;
        if (state.equals("25006")) return StoreException.Kind.READ_ONLY;
        if (state.equals("XX001") || state.equals("XX002")) return StoreException.Kind.CORRUPT;
        return StoreException.Kind.OTHER;
    }
}
