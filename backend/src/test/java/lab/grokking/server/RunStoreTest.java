package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.zip.CRC32;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import lab.grokking.server.store.CheckpointCodec;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.DuplicateRunException;
import lab.grokking.server.store.OwnershipLostException;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store: migrations, exact round trips, atomic checkpoints, truncation after a crash, integrity check. */
public class RunStoreTest {
    @TempDir
    Path dir;

    /** A queued run of this id (the store tests' fixture). */
    public static StoredRun run(String id) {
        return run(id, "key-" + id, "mc", "{\"task\":\"mc\"}", 1, 100, StoredRun.Status.QUEUED);
    }

    /** A run as the store would hold it, created now by "client". */
    public static StoredRun run(
            String id, String key, String task, String config, long seed, long steps, StoredRun.Status status) {
        return new StoredRun(
                id,
                key,
                task,
                config,
                seed,
                "v",
                "client",
                0,
                steps,
                status,
                null,
                null,
                null,
                null,
                0,
                System.currentTimeMillis(),
                null,
                null,
                null);
    }

    /** Claims the run for "local" at its current epoch (what a worker does before it writes). */
    public static Claim claimed(RunStore s, String id) {
        Claim now = s.claimOf(id).orElseThrow(() -> new AssertionError("no run " + id));
        return s.claim(id, "local", now.epoch()).orElseThrow(() -> new AssertionError("cannot claim " + id));
    }

    @Test
    void rowsSnapshotsAndCheckpointsRoundTripExactly() {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            double[] row = {10, 0.1, Math.PI, Double.NaN, Double.MIN_VALUE, -0.0, 1e-300};
            double[][] state = {{1, 2, Math.E}, {Double.MAX_VALUE}};
            s.saveCheckpoint(
                    claimed(s, "r1"),
                    new Checkpoint(10, state),
                    List.of(new double[] {0, 0, 1}, row),
                    List.of(new Snapshot("W", 10, 1, 2, new float[] {1.5f, -2f})));
            assertArrayEquals(row, s.metrics("r1").get(1), 0.0);
            assertTrue(Double.isNaN(s.metrics("r1").get(1)[3]));
            assertEquals(
                    Double.doubleToRawLongBits(-0.0),
                    Double.doubleToRawLongBits(s.metrics("r1").get(1)[5]));
            Checkpoint cp = s.checkpoint("r1").orElseThrow();
            assertEquals(10, cp.step());
            assertArrayEquals(state[0], cp.state()[0], 0.0);
            assertArrayEquals(state[1], cp.state()[1], 0.0);
            assertArrayEquals(
                    new float[] {1.5f, -2f},
                    s.snapshot("r1", "W", 10).orElseThrow().values(),
                    0f);
            assertEquals(10, s.get("r1").orElseThrow().progressStep());
            assertEquals("ok", s.integrityCheck());
        }
    }

    @Test
    void truncateAfterDropsWhatACrashedAttemptWroteBeyondItsCheckpoint() {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            s.saveCheckpoint(
                    claimed(s, "r1"),
                    new Checkpoint(5, new double[][] {{1}}),
                    List.of(new double[] {0}, new double[] {5}, new double[] {9}),
                    List.of(new Snapshot("late", -1, 1, 1, new float[] {1}), new Snapshot("W", 9, 1, 1, new float[] {2
                    })));
            s.truncateAfter(claimed(s, "r1"), 5);
            assertEquals(
                    List.of(0.0, 5.0), s.metrics("r1").stream().map(r -> r[0]).toList());
            assertEquals(
                    List.of("late"),
                    s.snapshots("r1").stream().map(x -> x.name()).toList(),
                    "the fixed predictors stay");
        }
    }

    @Test
    void aCorruptCheckpointIsNeverResumedFromAndTheCheckSaysSo() throws Exception {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            s.saveCheckpoint(claimed(s, "r1"), new Checkpoint(5, new double[][] {{1, 2, 3}}), List.of(), List.of());
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var st = c.createStatement()) {
            st.executeUpdate("UPDATE checkpoints SET crc = crc + 1");
        }
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            assertTrue(
                    s.checkpoint("r1").isEmpty(), "a checkpoint that fails its checksum is ignored (the run restarts)");
            assertTrue(s.integrityCheck().contains("checksum"), s.integrityCheck());
        }
    }

    @Test
    void aCheckpointInTheFormatOfEarlierBuildsStillResumes() throws Exception {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
        }
        // what earlier builds wrote: count, then length and values per array, little-endian; crc32 of it in its own
        // column
        var b = ByteBuffer.allocate(4 + 4 + 16 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putInt(2).putDouble(-0.0).putDouble(Double.NaN).putInt(0);
        var crc = new CRC32();
        crc.update(b.array());
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var p = c.prepareStatement(
                        "INSERT INTO checkpoints (run_id, step, state, crc) VALUES ('r1', 7, ?, ?)")) {
            p.setBytes(1, b.array());
            p.setLong(2, crc.getValue());
            p.executeUpdate();
        }
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            Checkpoint cp = s.checkpoint("r1").orElseThrow();
            assertEquals(7, cp.step());
            assertEquals(2, cp.state().length);
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(cp.state()[0][0]));
            assertTrue(Double.isNaN(cp.state()[0][1]));
            assertEquals(0, cp.state()[1].length);
            assertEquals("ok", s.integrityCheck());
            s.saveCheckpoint(claimed(s, "r1"), new Checkpoint(8, cp.state()), List.of(), List.of());
            assertEquals(8, s.checkpoint("r1").orElseThrow().step(), "rewritten in the current format");
        }
    }

    @Test
    void aCheckpointFromANewerFormatFailsLoudlyAndOneThatIsCorruptBehindAGoodColumnChecksumIsNotResumed()
            throws Exception {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            s.insert(run("r2"));
            s.saveCheckpoint(claimed(s, "r1"), new Checkpoint(5, new double[][] {{1, 2, 3}}), List.of(), List.of());
            s.saveCheckpoint(claimed(s, "r2"), new Checkpoint(5, new double[][] {{1, 2, 3}}), List.of(), List.of());
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var st = c.createStatement()) {
            for (String id : List.of("r1", "r2")) {
                byte[] state;
                try (var r = st.executeQuery("SELECT state FROM checkpoints WHERE run_id = '" + id + "'")) {
                    assertTrue(r.next());
                    state = r.getBytes(1);
                }
                if (id.equals("r1")) state[4] = 9; // format version 9
                else state[30] ^= 1; // a value bit: the blob's own CRC32 catches it
                var crc = new CRC32();
                crc.update(state);
                try (var p = c.prepareStatement("UPDATE checkpoints SET state = ?, crc = ? WHERE run_id = ?")) {
                    p.setBytes(1, state);
                    p.setLong(2, crc.getValue());
                    p.setString(3, id);
                    p.executeUpdate();
                }
            }
        }
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            var e = assertThrows(IllegalArgumentException.class, () -> s.checkpoint("r1"));
            assertTrue(e.getMessage().contains("format version 9"), e.getMessage());
            assertTrue(s.checkpoint("r2").isEmpty(), "corrupt: the run starts over");
            String check = s.integrityCheck();
            assertTrue(
                    check.contains("checkpoint of r1")
                            && check.contains("format version 9")
                            && check.contains("checkpoint of r2")
                            && check.contains("CRC32"),
                    check);
        }
    }

    @Test
    void reopeningAppliesNoMigrationTwiceAndKeepsEverything() throws Exception {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            s.finish(
                    claimed(s, "r1"),
                    StoredRun.Status.FINISHED,
                    "done",
                    "{}",
                    "{}",
                    List.of(new double[] {100, 1}),
                    List.of(),
                    false);
        }
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            assertEquals(StoredRun.Status.FINISHED, s.get("r1").orElseThrow().status());
            assertEquals("ok", s.integrityCheck());
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var st = c.createStatement();
                var r = st.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
            assertTrue(r.next());
            assertEquals(9, r.getInt(1), "V1 to V9, each once");
            assertEquals(9, r.getInt(2));
        }
    }

    @Test
    void aDatabaseFromANewerBuildIsRefusedWithAClearMessage() throws Exception {
        new SqliteRunStore(dir).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO schema_version VALUES (99, 'V99__future.sql', 0)");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SqliteRunStore(dir));
        assertTrue(e.getMessage().contains("newer than this build"), e.getMessage());
    }

    @Test
    void aStaleClaimWritesNothingAndSaysWhoHoldsTheRun() {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            Claim stale = claimed(s, "r1");
            Claim fresh = s.claim("r1", "member-b", stale.epoch()).orElseThrow();
            assertEquals(new Claim("r1", "member-b", 2), fresh);
            var e = assertThrows(
                    OwnershipLostException.class,
                    () -> s.saveCheckpoint(
                            stale, new Checkpoint(5, new double[][] {{1}}), List.of(new double[] {5}), List.of()));
            assertEquals(
                    "run r1: the claim of local at epoch 1 is stale (now owned by member-b at epoch 2); nothing was"
                            + " written",
                    e.getMessage());
            assertTrue(s.metrics("r1").isEmpty());
            assertTrue(s.checkpoint("r1").isEmpty());
            assertEquals(StoredRun.Status.QUEUED, s.get("r1").orElseThrow().status());
            s.setStatus(fresh, StoredRun.Status.RUNNING, null, List.of("step"));
            assertEquals(StoredRun.Status.RUNNING, s.get("r1").orElseThrow().status());
        }
    }

    @Test
    void aSecondRunOfAConfigKeyIsRefusedNamingTheFirst() {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            var e = assertThrows(
                    DuplicateRunException.class,
                    () -> s.insert(run("r2", "key-r1", "mc", "{}", 1, 100, StoredRun.Status.QUEUED)));
            assertEquals("r1", e.existingId());
            s.remove("r1");
            s.insert(run("r2", "key-r1", "mc", "{}", 1, 100, StoredRun.Status.QUEUED)); // a removed run frees its key
            assertEquals("r2", s.findByKey("key-r1").orElseThrow().id());
        }
    }

    @Test
    void removedRunsVanishFromEveryQuery() {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            s.insert(run("r1"));
            s.remove("r1");
            assertTrue(s.get("r1").isEmpty());
            assertTrue(s.findByKey("key-r1").isEmpty());
            assertEquals(0, s.count(null, null, null));
            assertTrue(s.unfinished().isEmpty());
        }
    }

    /** A run's data as the quota counts it: rows of 3 doubles, two snapshots (5 floats), a checkpoint. */
    static final Checkpoint CP = new Checkpoint(10, new double[][] {{1, 2, 3}, {4}});

    static final long CP_BYTES = CheckpointCodec.encode(CP).length, ROW = 3 * 8, SNAPSHOTS = 5 * 4;

    static void checkpointed(SqliteRunStore s, String id) {
        s.insert(run(id));
        s.setStatus(id, StoredRun.Status.RUNNING, null, List.of("step", "a", "b"));
        s.saveCheckpoint(
                claimed(s, id),
                CP,
                List.of(new double[] {0, 1, 2}, new double[] {10, 1, 2}),
                List.of(new Snapshot("early", -1, 1, 3, new float[3]), new Snapshot("W", 5, 1, 2, new float[2])));
    }

    @Test
    void storedBytesCountEveryBlobOfASettledRunAndLeaveOutLiveOnes() {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            checkpointed(s, "r1");
            assertEquals(0, s.storedBytes("client", null), "a running run counts at its estimate, not here");
            s.finish(
                    claimed(s, "r1"),
                    StoredRun.Status.FINISHED,
                    "done",
                    "{}",
                    "{}",
                    List.of(new double[] {100, 1, 2}),
                    List.of(),
                    false);
            assertEquals(
                    3 * ROW + SNAPSHOTS, s.storedBytes("client", null), "rows and snapshots; the checkpoint is gone");
            assertEquals(0, s.storedBytes("client", "r1"));
            assertEquals(0, s.storedBytes("someone else", null));

            checkpointed(s, "r2");
            Claim r2Claim = claimed(s, "r2");
            s.saveCheckpoint(
                    r2Claim,
                    new Checkpoint(30, CP.state()),
                    List.of(),
                    List.of(new Snapshot("W", 20, 1, 2, new float[2])));
            s.finish(r2Claim, StoredRun.Status.CANCELLED, "cancelled", "{}", "{}", List.of(), List.of(), true);
            long r2 = 2 * ROW + SNAPSHOTS + 2 * 4 + CP_BYTES;
            assertEquals(
                    3 * ROW + SNAPSHOTS + r2, s.storedBytes("client", null), "a cancelled run keeps its checkpoint");
            s.truncateAfter(r2Claim, 10); // what a crashed attempt wrote after its checkpoint goes, and its count
            assertEquals(3 * ROW + SNAPSHOTS + r2 - 2 * 4, s.storedBytes("client", null));

            s.remove("r1");
            assertEquals(r2 - 2 * 4, s.storedBytes("client", null));
        }
    }

    @Test
    void anUpgradedStoreCountsTheBytesItAlreadyHeld() throws Exception {
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            checkpointed(s, "r1");
            s.finish(claimed(s, "r1"), StoredRun.Status.CANCELLED, "cancelled", "{}", "{}", List.of(), List.of(), true);
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var st = c.createStatement()) { // back to schema V5, as a store from before the quota
            st.executeUpdate("DROP INDEX runs_live_key");
            st.executeUpdate("DROP INDEX runs_claimable");
            st.executeUpdate("ALTER TABLE runs DROP COLUMN owner");
            st.executeUpdate("ALTER TABLE runs DROP COLUMN epoch");
            st.executeUpdate("DELETE FROM schema_version WHERE version = 9");
            st.executeUpdate("DROP TABLE lab_runs");
            st.executeUpdate("ALTER TABLE labs DROP COLUMN teacher_key_hash");
            st.executeUpdate("DELETE FROM schema_version WHERE version = 8");
            st.executeUpdate("DROP TABLE sweep_members");
            st.executeUpdate("DROP TABLE sweeps");
            st.executeUpdate("DELETE FROM schema_version WHERE version = 7");
            st.executeUpdate("DROP INDEX runs_stored_by_client");
            st.executeUpdate("ALTER TABLE runs DROP COLUMN stored_bytes");
            st.executeUpdate("ALTER TABLE runs DROP COLUMN snapshot_bytes");
            st.executeUpdate("DELETE FROM schema_version WHERE version = 6");
        }
        try (SqliteRunStore s = new SqliteRunStore(dir)) { // V8 names a client by its address as "a:" + address
            assertEquals(2 * ROW + SNAPSHOTS + CP_BYTES, s.storedBytes("a:client", null));
        }
    }
}
