package lab.grokking.server.store;

import static lab.grokking.server.RunStoreTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import lab.grokking.server.RunStoreTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade over the repositories: a multi-table write is one unit of work, whichever repository fails in it. */
class RepositoryRunStoreTest {
    @TempDir
    Path dir;

    /** SQLite's repositories, but the checkpoint repository fails once its rows and snapshots are written. */
    static RepositoryRunStore failingCheckpoints(SqliteDatabase db) {
        RepositoryRunStore.Repositories r = SqliteRunStore.repositories(db);
        CheckpointRepository failing = new CheckpointRepository() {
            @Override
            public void save(String runId, Checkpoint checkpoint) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public Optional<Checkpoint> find(String runId) {
                return r.checkpoints().find(runId);
            }

            @Override
            public void delete(String runId) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public List<String> problems() {
                return r.checkpoints().problems();
            }
        };
        return new RepositoryRunStore(new RepositoryRunStore.Repositories(
                db, r.runs(), r.metrics(), r.snapshots(), failing, r.labs(), r.sweeps()));
    }

    @Test
    void aFailingRepositoryRollsBackWhatTheOthersWroteInTheSameUnit() {
        try (RepositoryRunStore s = failingCheckpoints(new SqliteDatabase(dir))) {
            s.insert(run("r1"));
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> s.saveCheckpoint(
                            RunStoreTest.claimed(s, "r1"),
                            new Checkpoint(5, new double[][] {{1}}),
                            List.of(new double[] {5, 1}),
                            List.of(new Snapshot("W", 5, 1, 1, new float[] {1}))));
            assertEquals("disk full", e.getMessage());
            assertTrue(s.metrics("r1").isEmpty(), "the rows went with the checkpoint");
            assertTrue(s.snapshots("r1").isEmpty(), "and the snapshots");
            assertEquals(0, s.get("r1").orElseThrow().progressStep());
            assertThrows(
                    IllegalStateException.class,
                    () -> s.finish(
                            RunStoreTest.claimed(s, "r1"),
                            StoredRun.Status.FINISHED,
                            "done",
                            "{}",
                            "{}",
                            List.of(new double[] {100, 1}),
                            List.of(),
                            false));
            assertEquals(
                    StoredRun.Status.QUEUED,
                    s.get("r1").orElseThrow().status(),
                    "the final status went with the checkpoint's deletion");
            assertTrue(s.metrics("r1").isEmpty());
            s.setStatus(
                    "r1",
                    StoredRun.Status.RUNNING,
                    null,
                    List.of("step", "loss")); // the connection is usable afterwards, outside a transaction
            assertEquals(List.of("step", "loss"), s.get("r1").orElseThrow().columns());
        }
    }

    @Test
    void aNestedUnitJoinsTheOuterOne() {
        SqliteDatabase db = new SqliteDatabase(dir);
        try (RepositoryRunStore s = new RepositoryRunStore(SqliteRunStore.repositories(db))) {
            s.insert(run("r1"));
            assertThrows(
                    IllegalStateException.class,
                    () -> db.inTransaction("outer", () -> {
                        s.saveCheckpoint(
                                RunStoreTest.claimed(s, "r1"),
                                new Checkpoint(5, new double[][] {{1}}),
                                List.of(new double[] {5, 1}),
                                List.of());
                        throw new IllegalStateException("later in the outer unit");
                    }));
            assertTrue(s.checkpoint("r1").isEmpty(), "the inner unit did not commit on its own");
            assertTrue(s.metrics("r1").isEmpty());
            s.saveCheckpoint(
                    RunStoreTest.claimed(s, "r1"),
                    new Checkpoint(5, new double[][] {{1}}),
                    List.of(new double[] {5, 1}),
                    List.of());
            assertEquals(5, s.checkpoint("r1").orElseThrow().step());
            assertEquals("ok", s.integrityCheck());
        }
    }
}
