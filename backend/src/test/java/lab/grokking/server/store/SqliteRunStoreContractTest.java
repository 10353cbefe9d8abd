package lab.grokking.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite: a data directory per test; two store objects on it are two members. */
class SqliteRunStoreContractTest extends RunStoreContract {
    @TempDir
    Path dir;

    @Override
    protected RunStore newStore() {
        return new SqliteRunStore(dir);
    }

    @Override
    protected Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
    }

    @Override
    protected String kind() {
        return "sqlite";
    }
}
