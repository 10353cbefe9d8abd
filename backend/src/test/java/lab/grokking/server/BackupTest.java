package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import lab.grokking.server.store.Backups;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups taken while a run writes are consistent snapshots: restored, a finished run has its exact metrics and an
 * unfinished one resumes to the metrics of an uninterrupted run. Restore refuses what it must and changes nothing
 * then; scheduled backups are pruned to the number kept.
 */
class BackupTest {
    static final long PID = ProcessHandle.current().pid();

    @Test
    void backupsTakenWhileARunWritesRestoreToIdenticalMetrics(
            @TempDir Path data, @TempDir Path backups, @TempDir Path restores) {
        String config = TestServer.mcConfig(1_500_000, 31);
        List<Backups.Written> taken = new ArrayList<>();
        String id;
        JsonNode original;
        try (TestServer s = new TestServer(data, cfg -> cfg.checkpointSeconds = 0.2)) {
            id = s.start(config);
            long t0 = System.nanoTime();
            String status;
            do {
                TestServer.sleep(250);
                status = s.get("/api/runs/" + id).json().get("status").asText();
                taken.add(Backups.backup(data, backups.resolve("during-" + taken.size() + ".db")));
            } while (status.equals("QUEUED") || status.equals("RUNNING"));
            assertEquals("FINISHED", status);
            System.out.printf("run trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            original = s.get("/api/runs/" + id + "/metrics").json().get("rows");
        }
        int finished = 0, resumed = 0;
        for (Backups.Written w : taken) {
            Path dir = restores.resolve(w.file().getFileName().toString().replace(".db", ""));
            assertEquals(1, Backups.restore(dir, w.file()).runs());
            StoredRun inBackup;
            long checkpoint;
            try (SqliteRunStore store = new SqliteRunStore(dir)) {
                inBackup = store.get(id).orElseThrow();
                checkpoint = store.checkpoint(id).map(c -> c.step()).orElse(0L);
                assertEquals("ok", store.integrityCheck());
            }
            System.out.printf(
                    "backup %s: %d bytes, %d ms, run %s at step %d (checkpoint %d)%n",
                    w.file().getFileName(),
                    w.bytes(),
                    w.millis(),
                    inBackup.status(),
                    inBackup.progressStep(),
                    checkpoint);
            try (TestServer s = new TestServer(dir)) {
                JsonNode run = s.awaitEnd(id, 180);
                assertEquals("FINISHED", run.get("status").asText(), run.toString());
                if (inBackup.status() == StoredRun.Status.FINISHED) finished++;
                else {
                    resumed++;
                    JsonNode from = run.get("summary").get("resumed_from_step");
                    assertEquals(checkpoint, from == null ? 0 : from.asLong(), "resumed from the backup's checkpoint");
                }
                assertEquals(
                        original,
                        s.get("/api/runs/" + id + "/metrics").json().get("rows"),
                        w.file() + ": same rows, same values");
            }
        }
        assertTrue(finished >= 1 && resumed >= 2, finished + " finished, " + resumed + " resumed");
    }

    @Test
    void restoreRefusesWhileThisServerHoldsTheDirectory(@TempDir Path data, @TempDir Path b) throws IOException {
        try (TestServer s = new TestServer(data)) {
            s.awaitEnd(s.start(TestServer.mcConfig(2000, 42)), 60);
            Path backup = Backups.backup(data, b.resolve("x.db")).file();
            List<String> files = list(data);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backups.restore(data, backup));
            assertTrue(e.getMessage().startsWith("another Grokking Lab server (pid " + PID + ")"), e.getMessage());
            assertTrue(e.getMessage().contains(".lock"), e.getMessage());
            assertEquals(files, list(data), "no file added or removed");
            assertEquals(200, s.get("/api/runs").status());
        }
    }

    @Test
    void restoreRefusesCorruptAndForeignFilesAndChangesNothing(@TempDir Path data, @TempDir Path b) throws Exception {
        try (TestServer s = new TestServer(data)) {
            s.awaitEnd(s.start(TestServer.mcConfig(200_000, 43)), 120);
        }
        Path good = Backups.backup(data, b.resolve("good.db")).file();
        byte[] bytes = Files.readAllBytes(good);
        Path text = Files.writeString(b.resolve("notes.txt"), "these are not the runs you are looking for\n");
        Path empty = Files.createFile(b.resolve("empty.db"));
        Path truncated = Files.write(b.resolve("truncated.db"), Arrays.copyOf(bytes, bytes.length / 2));
        byte[] scrambled = bytes.clone();
        for (int i = 4096 * 2; i < scrambled.length - 4096; i += 7) scrambled[i] ^= 0x5A; // pages past the header
        Path corrupt = Files.write(b.resolve("corrupt.db"), scrambled);
        Path foreign = b.resolve("foreign.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (t TEXT)");
        }
        // corruption is caught by the integrity check, or earlier when SQLite cannot read a page it needs
        Map<Path, List<String>> reasons = Map.of(
                text, List.of("is not a SQLite database;"),
                empty, List.of("is not a SQLite database;"),
                truncated, List.of("fails SQLite's integrity check", "is not a readable SQLite database"),
                corrupt, List.of("fails SQLite's integrity check", "is not a readable SQLite database"),
                foreign, List.of("is a SQLite database but not a Grokking Lab store (no runs table)"));
        String before = sha256(data.resolve("runs.db"));
        List<String> files = list(data);
        for (var bad : reasons.entrySet()) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> Backups.restore(data, bad.getKey()));
            System.out.println("refused: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(bad.getKey() + " "), e.getMessage());
            assertTrue(bad.getValue().stream().anyMatch(e.getMessage()::contains), e.getMessage());
            assertTrue(e.getMessage().endsWith("; nothing was changed"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
            assertEquals(before, sha256(data.resolve("runs.db")), "runs.db byte-identical after " + bad.getKey());
            assertEquals(files, list(data), "no file left behind by " + bad.getKey());
        }
    }

    @Test
    void restoreKeepsThePreviousStoreAsideAndInstallsTheBackup(@TempDir Path data, @TempDir Path b) throws IOException {
        String kept, dropped;
        JsonNode metrics;
        Path backup;
        try (TestServer s = new TestServer(data)) {
            kept = s.start(TestServer.mcConfig(2000, 44));
            s.awaitEnd(kept, 60);
            metrics = s.get("/api/runs/" + kept + "/metrics").json().get("rows");
            backup = Backups.backup(data, b.resolve("one-run.db")).file();
            dropped = s.start(TestServer.mcConfig(2000, 45));
            s.awaitEnd(dropped, 60);
        }
        String previous = sha256(data.resolve("runs.db"));
        Backups.Restored r = Backups.restore(data, backup);
        assertEquals(1, r.runs());
        assertNotNull(r.keptAside());
        assertTrue(r.keptAside().getFileName().toString().matches("runs\\.db\\.before-restore-\\d{8}-\\d{6}"));
        assertEquals(previous, sha256(r.keptAside()), "the previous store, byte for byte");
        assertEquals(sha256(backup), sha256(data.resolve("runs.db")), "the backup, byte for byte");
        assertEquals(
                Files.getPosixFilePermissions(r.keptAside()),
                Files.getPosixFilePermissions(data.resolve("runs.db")),
                "the mode SQLite gave the store");
        assertFalse(Files.exists(data.resolve("runs.db-wal")));
        assertFalse(Files.exists(data.resolve("runs.db-shm")));
        try (TestServer s = new TestServer(data)) {
            assertEquals(
                    "FINISHED", s.get("/api/runs/" + kept).json().get("status").asText());
            assertEquals(metrics, s.get("/api/runs/" + kept + "/metrics").json().get("rows"));
            assertEquals(404, s.get("/api/runs/" + dropped).status());
        }
    }

    /** A server killed with -9 leaves committed transactions in runs.db-wal; the store kept aside keeps them. */
    @Test
    void theStoreKeptAsideKeepsItsWal(@TempDir Path live, @TempDir Path crashed, @TempDir Path b) throws Exception {
        Path backup;
        try (TestServer s = new TestServer(b.resolve("other"))) {
            s.awaitEnd(s.start(TestServer.mcConfig(2000, 48)), 60);
            backup = Backups.backup(b.resolve("other"), b.resolve("other.db")).file();
        }
        try (SqliteRunStore store = new SqliteRunStore(live)) {
            store.insert(RunStoreTest.run("in-the-wal"));
            assertTrue(Files.size(live.resolve("runs.db-wal")) > 0, "not checkpointed yet");
            for (String f : List.of("runs.db", "runs.db-wal")) // the files as a kill leaves them
            Files.copy(live.resolve(f), crashed.resolve(f));
        }
        Backups.Restored r = Backups.restore(crashed, backup);
        assertTrue(Files.exists(Path.of(r.keptAside() + "-wal")));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + r.keptAside());
                Statement st = c.createStatement();
                var rows = st.executeQuery("SELECT id FROM runs")) {
            assertTrue(rows.next());
            assertEquals("in-the-wal", rows.getString(1));
        }
        try (SqliteRunStore store = new SqliteRunStore(crashed)) {
            assertTrue(store.get("in-the-wal").isEmpty(), "the old WAL is not replayed into the restored store");
            assertEquals(1, store.count(null, null, null));
        }
    }

    @Test
    void scheduledBackupsAppearAndArePrunedToKeep(@TempDir Path data) throws IOException {
        Set<String> seen = new TreeSet<>();
        List<String> left;
        try (TestServer s = new TestServer(data, cfg -> {
            cfg.backupEveryHours = 0.0003; // 1.08 s
            cfg.backupKeep = 2;
        })) {
            s.awaitEnd(s.start(TestServer.mcConfig(2000, 46)), 60);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (seen.size() < 4 && System.nanoTime() < deadline) {
                seen.addAll(scheduled(data));
                TestServer.sleep(100);
            }
        }
        assertEquals(
                List.of(),
                list(data.resolve("backups")).stream()
                        .filter(f -> f.startsWith("."))
                        .toList(),
                "no temporary file left");
        left = scheduled(data);
        System.out.println("scheduled backups seen " + seen + ", left " + left);
        assertTrue(seen.size() >= 4, "backups written: " + seen);
        assertEquals(2, left.size(), "pruned to keep");
        List<String> all = new ArrayList<>(seen);
        all.removeAll(left);
        assertTrue(left.getFirst().compareTo(all.getLast()) > 0, "the newest are kept: " + left + " of " + seen);
        for (String f : left) {
            Path restored = data.resolve("check-" + f);
            assertEquals(
                    1,
                    Backups.restore(restored, data.resolve("backups").resolve(f))
                            .runs());
        }
    }

    @Test
    void aFailingScheduledBackupNeitherStopsTheServerNorTheSchedule(@TempDir Path data) throws IOException {
        Files.createDirectories(data);
        Files.writeString(data.resolve("backups"), "a file where the folder should be");
        List<LogRecord> failures = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) failures.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger(Backups.class.getName()); // System.Logger's default backend
        log.addHandler(capture);
        try (TestServer s = new TestServer(data, cfg -> cfg.backupEveryHours = 0.0003)) {
            TestServer.sleep(2500); // two failed backups
            assertTrue(failures.size() >= 2, "failures logged: " + failures.size());
            for (LogRecord r : failures) {
                assertTrue(
                        r.getMessage().startsWith("scheduled backup failed: cannot write the backup "), r.getMessage());
                assertFalse(r.getMessage().contains("\n"), "one line");
                assertNull(r.getThrown(), "no stack trace");
            }
            System.out.println("logged: " + failures.getFirst().getMessage());
            assertEquals(
                    "FINISHED",
                    s.awaitEnd(s.start(TestServer.mcConfig(2000, 47)), 60)
                            .get("status")
                            .asText());
            Files.delete(data.resolve("backups"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (scheduled(data).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the schedule goes on after failures");
                TestServer.sleep(100);
            }
        }
    }

    @Test
    void backupSettingsAreOffByDefaultAndValidated() {
        ServerConfig d = ServerConfig.load(Map.of());
        assertEquals(0, d.backupEveryHours);
        assertEquals(7, d.backupKeep);
        try {
            System.setProperty("groklab.backup.everyHours", "0.5");
            System.setProperty("groklab.backup.keep", "3");
            ServerConfig c = ServerConfig.load(Map.of());
            assertEquals(0.5, c.backupEveryHours);
            assertEquals(3, c.backupKeep);
            System.setProperty("groklab.backup.everyHours", "-1");
            assertEquals(
                    "backup.everyHours must be 0 (off) or a positive number, got '-1'",
                    assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(Map.of()))
                            .getMessage());
            System.setProperty("groklab.backup.everyHours", "0");
            System.setProperty("groklab.backup.keep", "0");
            assertEquals(
                    "backup.keep must be an integer in [1, 100000], got '0'",
                    assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(Map.of()))
                            .getMessage());
        } finally {
            System.clearProperty("groklab.backup.everyHours");
            System.clearProperty("groklab.backup.keep");
        }
    }

    /** The schedule's backups (not its temporary files). */
    static List<String> scheduled(Path data) throws IOException {
        return list(data.resolve("backups")).stream()
                .filter(f -> f.matches("runs-\\d{8}-\\d{6}\\.db"))
                .toList();
    }

    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String sha256(Path f) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
