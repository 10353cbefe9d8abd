package lab.grokking.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.DriverManager;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import lab.grokking.server.RunStoreTest;
import org.junit.jupiter.api.Test;

/**
 * What is PostgreSQL's own: connecting, where it says the data is, the error when it cannot be reached, and the
 * sessions of a frozen member ended by the server.
 */
class PostgresRunStoreTest {
    @Test
    void aFreshDatabaseIsMigratedToTheSameVersionAsSqliteAndRoundTripsARun() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        String url = pg.newDatabase();
        try (PostgresRunStore s = pg.store(url, 2)) {
            assertEquals("postgresql", s.kind());
            assertTrue(s.location().matches("PostgreSQL at [^/]+:\\d+/groklab_t\\d+_\\d+"), s.location());
            assertEquals(-1, s.freeBytes());
            s.insert(RunStoreTest.run("r1"));
            double[] row = {10, Math.PI, Double.NaN, -0.0};
            s.saveCheckpoint(
                    RunStoreTest.claimed(s, "r1"),
                    new Checkpoint(10, new double[][] {{1, Math.E}}),
                    List.of(row),
                    List.of(new Snapshot("W", 10, 1, 2, new float[] {1.5f, -2f})));
            assertArrayEquals(row, s.metrics("r1").getFirst(), 0.0);
            assertEquals(10, s.checkpoint("r1").orElseThrow().step());
            assertEquals(10, s.get("r1").orElseThrow().progressStep());
            assertEquals("ok", s.integrityCheck());
            s.probeWrite();
        }
        try (var c = DriverManager.getConnection(url, pg.user(), pg.password());
                var st = c.createStatement();
                var r = st.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
            assertTrue(r.next());
            assertEquals(Migrations.SCRIPTS.size(), r.getInt(1));
            assertEquals(9, r.getInt(2));
        }
        try (PostgresRunStore s = pg.store(url, 1)) {
            assertEquals(1, s.count(null, null, null), "reopened: nothing migrated twice, the run kept");
        }
    }

    @Test
    void anUnreachableStoreFailsAtOnceInOneSentenceNamingTheSettingButNotThePassword() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> new PostgresRunStore(
                        "jdbc:postgresql://127.0.0.1:1/groklab?connectTimeout=2", "u", "s3cret", 2, 15));
        assertTrue(
                e.getMessage()
                        .startsWith("cannot reach the run store that store.url names (PostgreSQL at"
                                + " 127.0.0.1:1/groklab): "),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        var bad = assertThrows(
                IllegalArgumentException.class, () -> new PostgresRunStore("jdbc:sqlite:x.db", "u", "p", 2, 15));
        assertEquals(
                "store.url must start with jdbc:postgresql:// (PostgreSQL), got jdbc:sqlite:x.db", bad.getMessage());
    }

    /**
     * Regression (the SIGSTOP process test missed a takeover once in six): a member frozen inside a fenced write holds
     * its run's row lock; the next member's claim of that run waited on it for as long as the freeze lasted, and its
     * dispatcher with it. The server now ends a session idle in a transaction for the dead-member time.
     */
    @Test
    void aMemberFrozenInsideAWriteLosesItsSessionSoAnotherClaimsItsRunWithinTheDeadMemberTime() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        String url = pg.newDatabase();
        int deadAfter = 2;
        PostgresDatabase frozenDb = new PostgresDatabase(url, pg.user(), pg.password(), 2, deadAfter);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (RepositoryRunStore frozen = new RepositoryRunStore(RepositoryRunStore.jdbc(frozenDb));
                PostgresRunStore other = new PostgresRunStore(url, pg.user(), pg.password(), 2, deadAfter)) {
            frozen.insert(RunStoreTest.run("r1"));
            Claim mine = RunStoreTest.claimed(frozen, "r1");
            CountDownLatch locked = new CountDownLatch(1), thaw = new CountDownLatch(1);
            Future<?> write = threads.submit(() -> frozenDb.inTransaction("frozen write", () -> {
                frozen.setStatus(mine, StoredRun.Status.RUNNING, null, List.of("step")); // fenced: the row is locked
                locked.countDown();
                try {
                    thaw.await(); // frozen, its transaction open
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                frozen.setStatus(mine, StoredRun.Status.RUNNING, "after the thaw", List.of("step"));
            }));
            assertTrue(locked.await(30, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            Future<Optional<RunStore.ClaimedRun>> claim = threads.submit(() -> other.claimNext("m2", Set.of("m2")));
            RunStore.ClaimedRun taken =
                    claim.get(deadAfter + 20, TimeUnit.SECONDS).orElseThrow();
            double waited = (System.nanoTime() - t0) / 1e9;
            assertEquals(new Claim("r1", "m2", mine.epoch() + 1), taken.claim());
            assertTrue(waited > deadAfter - 0.5, "the claim waited for the frozen session to end: " + waited + " s");

            thaw.countDown();
            ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS));
            StoreException ended = assertInstanceOf(
                    StoreException.class, e.getCause(), e.getCause().toString());
            assertEquals(StoreException.Kind.IO, ended.kind(), "a transient trouble: its run pauses and retries");
            StoredRun r = other.get("r1").orElseThrow();
            assertEquals(StoredRun.Status.QUEUED, r.status(), "nothing of the frozen transaction was committed");
            assertNull(r.message());
            assertEquals(Optional.of(taken.claim()), frozen.claimOf("r1"), "the frozen member's pool reconnects");
            assertThrows(
                    OwnershipLostException.class, () -> frozen.setStatus(mine, StoredRun.Status.FAILED, "x", null));
        } finally {
            threads.shutdownNow();
        }
    }
}
