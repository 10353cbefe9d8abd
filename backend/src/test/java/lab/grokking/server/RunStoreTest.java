package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.zip.CRC32;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import lab.grokking.server.store.CheckpointCodec;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.DuplicateRunException;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is SQLite's own in the store: its file read directly, and upgrades of stores earlier builds wrote. What every
 * engine does is in {@code lab.grokking.server.store.RunStoreContract}; this class also holds the fixtures the store
 * tests share.
 */
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
    void anUpgradeKeepsTheNewestRunOfAKeyThatEarlierBuildsStoredTwiceUnderItsKey() throws Exception {
        new SqliteRunStore(dir).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runs.db"));
                var st = c.createStatement()) { // back to schema V8, as a store from before cluster mode
            st.executeUpdate("DROP INDEX runs_live_key");
            st.executeUpdate("DROP INDEX runs_claimable");
            st.executeUpdate("ALTER TABLE runs DROP COLUMN owner");
            st.executeUpdate("ALTER TABLE runs DROP COLUMN epoch");
            st.executeUpdate("DELETE FROM schema_version WHERE version = 9");
            for (String[] r : new String[][] {{"old", "1"}, {"new", "2"}, {"tie-a", "3"}, {"tie-b", "3"}})
                st.executeUpdate("INSERT INTO runs (id, config_key, task, config, seed, code_version, client, priority,"
                        + " steps, status, created_at) VALUES ('" + r[0] + "', '" + (r[0].startsWith("tie") ? "t" : "k")
                        + "', 'mc', '{}', 1, 'v', 'a:client', 0, 100, 'FINISHED', " + r[1] + ")");
        }
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            assertEquals("new", s.findByKey("k").orElseThrow().id());
            assertEquals("k#old", s.get("old").orElseThrow().configKey(), "kept, out of the key's way");
            assertEquals("tie-b", s.findByKey("t").orElseThrow().id(), "the same millisecond: the later insert");
            assertEquals(4, s.count(null, null, null));
            assertThrows(
                    DuplicateRunException.class,
                    () -> s.insert(run("again", "k", "mc", "{}", 1, 100, StoredRun.Status.QUEUED)));
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
