package lab.grokking.server.store;

/**
 * The shared store of cluster mode: the same repositories as SQLite's on a PostgreSQL database (see
 * {@link PostgresDatabase}); every member opens one on the same database.
 */
public final class PostgresRunStore extends RepositoryRunStore {
    /** Connects (failing at once, naming store.url, when the database cannot be reached) and migrates the schema. */
    public PostgresRunStore(String jdbcUrl, String user, String password, int poolSize) {
        super(RepositoryRunStore.jdbc(new PostgresDatabase(jdbcUrl, user, password, poolSize)));
    }
}
