package lab.grokking.server.store;

import java.nio.file.Path;

/**
 * The embedded default store: the SQLite repositories on one file (runs.db) in the data directory, see
 * {@link SqliteDatabase} for its durability and locking.
 */
public final class SqliteRunStore extends RepositoryRunStore {
    public SqliteRunStore(Path dataDir) {
        this(dataDir, WriteFaults.NONE);
    }

    /** With a fault-injection seam (tests). */
    public SqliteRunStore(Path dataDir, WriteFaults faults) {
        super(repositories(new SqliteDatabase(dataDir, faults)));
    }

    static Repositories repositories(SqliteDatabase db) {
        return jdbc(db);
    }
}
