package lab.grokking.server.store;

/**
 * The shared store of cluster mode: the same repositories as SQLite's on a PostgreSQL database (see
 * {@link PostgresDatabase}); every member opens one on the same database.
 */
public final class PostgresRunStore extends RepositoryRunStore {
    /**
     * Connects (failing at once, naming store.url, when the database cannot be reached) and migrates the schema. A
     * session idle inside a transaction for {@code deadAfterSeconds} (a member declared dead: cluster.maxNoHeartbeatSeconds)
     * is ended by the server, releasing the rows it locked.
     */
    public PostgresRunStore(String jdbcUrl, String user, String password, int poolSize, int deadAfterSeconds) {
        super(RepositoryRunStore.jdbc(new PostgresDatabase(jdbcUrl, user, password, poolSize, deadAfterSeconds)));
    }
}
