package lab.grokking.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Optional;
import lab.grokking.server.RunStoreTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction's end on either engine (JdbcDatabase#commitOrRollback). Regression: an Error inside a SQLite
 * transaction (a StackOverflowError, an OutOfMemoryError while encoding a checkpoint) left it open, and the next
 * transaction's commit wrote its half.
 */
class TransactionTest {
    @TempDir
    Path dir;

    @Test
    void anErrorInsideATransactionRollsItBackOnSqlite() {
        check(new SqliteDatabase(dir));
    }

    @Test
    void anErrorInsideATransactionRollsItBackOnPostgres() {
        TestPostgres pg = TestPostgres.shared();
        check(new PostgresDatabase(pg.newDatabase(), pg.user(), pg.password(), 1, 15));
    }

    private static void check(JdbcDatabase db) {
        RepositoryRunStore.Repositories r = RepositoryRunStore.jdbc(db);
        try (RepositoryRunStore s = new RepositoryRunStore(r)) {
            Error boom = new StackOverflowError("mid-transaction");
            Error thrown = assertThrows(
                    Error.class,
                    () -> db.inTransaction("half", () -> {
                        r.runs().insert(RunStoreTest.run("half"));
                        throw boom;
                    }));
            assertSame(boom, thrown, "the Error itself, nothing in its place");
            db.inTransaction("next", () -> r.runs().insert(RunStoreTest.run("next")));
            assertEquals(Optional.empty(), s.get("half"), "the failed transaction's write was rolled back");
            assertTrue(s.get("next").isPresent());

            RuntimeException failure = new IllegalStateException("a failed write");
            assertSame(
                    failure,
                    assertThrows(
                            RuntimeException.class,
                            () -> db.inTransaction("failed", () -> {
                                r.runs().insert(RunStoreTest.run("failed"));
                                throw failure;
                            })));
            assertEquals(Optional.empty(), s.get("failed"));
            assertEquals(1, s.count(null, null, null), "only the committed run");
        }
    }
}
