package lab.grokking.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import lab.grokking.core.Checkpoint;
import lab.grokking.server.RunStoreTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * The start-up check: a store damaged three ways (b-tree pages overwritten, the file cut in half, a write-ahead log
 * from another database beside it) refuses to open with one sentence naming the file and the repair, and leaves
 * runs.db and runs.db-wal byte for byte as they were; a healthy store, and one left with its own log by a crash, open.
 */
class StoreCheckTest {
    @TempDir
    Path dir;

    /** A closed store with a few runs and their metrics: a few hundred pages. */
    Path store(Path data) {
        try (SqliteRunStore s = new SqliteRunStore(data)) {
            fill(s, "a");
        }
        return data.resolve("runs.db");
    }

    static void fill(SqliteRunStore s, String prefix) {
        for (int r = 0; r < 4; r++) {
            String id = prefix + r;
            s.insert(RunStoreTest.run(id));
            List<double[]> rows = new ArrayList<>();
            for (int i = 0; i < 3000; i++) rows.add(new double[] {i, i * 0.5, Math.sqrt(i), 1.0 / (i + 1)});
            s.saveCheckpoint(
                    RunStoreTest.claimed(s, id), new Checkpoint(3000, new double[][] {{1, 2, 3}}), rows, List.of());
        }
    }

    @Test
    void aHealthyStoreOpensAndChecksOk() {
        Path db = store(dir);
        StoreCheck.check(db);
        try (SqliteRunStore s = new SqliteRunStore(dir)) {
            assertEquals(3000, s.metrics("a3").size());
            assertEquals("ok", s.integrityCheck());
        }
    }

    @Test
    void overwrittenBtreePagesAreFoundAndTheFileIsNotWritten() throws Exception {
        Path db = store(dir);
        long pages = Files.size(db) / 4096;
        assertTrue(pages > 30, "pages: " + pages);
        byte[] junk = new byte[4096];
        Random random = new Random(18);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) { // page 1's header stays intact
            for (long p = pages / 3; p < 2 * pages / 3; p++) {
                random.nextBytes(junk);
                f.seek(p * 4096);
                f.write(junk);
            }
        }
        String message = refused(db);
        assertTrue(message.contains("quick_check"), message);
        assertTrue(message.contains(".recover"), message);
    }

    @Test
    void aTruncatedFileIsFoundAndTheFileIsNotWritten() throws Exception {
        Path db = store(dir);
        try (FileChannel f = FileChannel.open(db, StandardOpenOption.WRITE)) {
            f.truncate(Files.size(db) / 2);
        }
        String message = refused(db);
        assertTrue(message.contains(".recover"), message);
    }

    @Test
    void aWriteAheadLogOfAnotherDatabaseIsFoundAndNeitherFileIsWritten() throws Exception {
        Path db = store(dir);
        foreignLog(db, 4096);
        String message = refused(db);
        assertTrue(message.contains("runs.db-wal belongs to another database"), message);
        // quick_check alone passes: SQLite reads the other database through the log as if it were runs.db
        SQLiteConfig ro = new SQLiteConfig();
        ro.setReadOnly(true);
        try (Connection c = ro.createConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            ResultSet check = s.executeQuery("PRAGMA quick_check");
            assertTrue(check.next());
            assertEquals("ok", check.getString(1));
            ResultSet tables = s.executeQuery("SELECT group_concat(name) FROM sqlite_schema");
            assertTrue(tables.next());
            assertEquals("notes", tables.getString(1));
        }
    }

    @Test
    void aForeignLogWithAnotherPageSizeIsFound() throws Exception {
        Path db = store(dir);
        foreignLog(db, 1024);
        String message = refused(db);
        assertTrue(message.contains("page size is 1024 where runs.db's is 4096"), message);
    }

    /** A store written before stores were marked: a smaller foreign database's log would shrink it. */
    @Test
    void aForeignLogOnAnUnmarkedStoreIsFoundByItsPageCount() throws Exception {
        Path db = store(dir);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id = 0");
            s.execute("PRAGMA user_version = 0");
        }
        foreignLog(db, 4096);
        String message = refused(db);
        assertTrue(message.matches(".*it shrinks runs.db from \\d+ to \\d+ pages.*"), message);
    }

    /** Places the log of another, smaller database, never checkpointed, beside {@code db}. */
    void foreignLog(Path db, int pageSize) throws Exception {
        Path other = Files.createDirectories(dir.resolve("other")).resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = " + pageSize);
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0"); // everything stays in the log
            s.execute("CREATE TABLE notes (k INTEGER PRIMARY KEY, text TEXT)");
            for (int i = 0; i < 200; i++) s.execute("INSERT INTO notes (text) VALUES (hex(randomblob(300)))");
            Files.copy(Path.of(other + "-wal"), Path.of(db + "-wal")); // copied while open: never checkpointed
        }
    }

    @Test
    void aWriteAheadLogOfAnotherGrokkingLabStoreIsFound() throws Exception {
        Path db = store(dir);
        try (SqliteRunStore other = new SqliteRunStore(dir.resolve("other"))) {
            other.insert(RunStoreTest.run("b0")); // a fresh store: all its pages are still in its log
            Files.copy(dir.resolve("other/runs.db-wal"), Path.of(db + "-wal"));
        }
        String message = refused(db);
        assertTrue(message.contains("another store's id"), message);
    }

    @Test
    void aLogWithoutItsDatabaseIsFound() throws Exception {
        Path data = dir.resolve("data");
        Path db = store(data);
        try (SqliteRunStore other = new SqliteRunStore(dir.resolve("other"))) {
            other.insert(RunStoreTest.run("b0"));
            Files.copy(dir.resolve("other/runs.db-wal"), Path.of(db + "-wal"));
        }
        Files.delete(db);
        StoreCorruptException e = assertThrows(StoreCorruptException.class, () -> new SqliteRunStore(data));
        assertTrue(e.getMessage().contains("runs.db is missing"), e.getMessage());
        assertFalse(Files.exists(db), "no database was created around the stray log");
    }

    /** A process killed mid-write leaves runs.db with its own log: that pairing passes and the log's rows are read. */
    @Test
    void theStoresOwnLogAfterACrashPasses() throws Exception {
        Path crashed = Files.createDirectory(dir.resolve("crashed"));
        try (SqliteRunStore s = new SqliteRunStore(dir.resolve("live"))) {
            fill(s, "a");
            s.insert(RunStoreTest.run("late"));
            Path live = dir.resolve("live/runs.db");
            assertTrue(Files.size(Path.of(live + "-wal")) > 0, "rows still in the log");
            Files.copy(live, crashed.resolve("runs.db")); // as a SIGKILL leaves them: the log not checkpointed
            Files.copy(Path.of(live + "-wal"), crashed.resolve("runs.db-wal"));
        }
        try (SqliteRunStore s = new SqliteRunStore(crashed)) {
            assertTrue(s.get("late").isPresent());
            assertEquals(3000, s.metrics("a3").size());
            assertEquals("ok", s.integrityCheck());
        }
    }

    @Test
    void theProblemIsOneLineOfReadableLength() {
        String p = StoreCheck.problem("*** in database main ***\nPage 12: btree page corrupt\n" + "x".repeat(500));
        assertTrue(p.startsWith("Page 12: btree page corrupt x"), p);
        assertFalse(p.contains("\n"));
        assertTrue(p.length() <= 160, p);
    }

    /** Opens the store expecting the refusal; checks the files did not change and returns the message. */
    String refused(Path db) throws Exception {
        String name = StackWalker.getInstance()
                .walk(f -> f.skip(1).findFirst().orElseThrow().getMethodName());
        Path wal = Path.of(db + "-wal");
        String dbBefore = sha256(db), walBefore = sha256(wal);
        long t0 = System.nanoTime();
        StoreCorruptException e = assertThrows(StoreCorruptException.class, () -> new SqliteRunStore(db.getParent()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%s: refused in %d ms (%.1f MB): %s%n", name, ms, Files.size(db) / 1e6, e.getMessage());
        assertEquals(dbBefore, sha256(db), "runs.db is byte-identical");
        String walAfter = sha256(wal);
        if (walBefore.equals("absent")) // SQLite's read-only open creates an empty log, which holds nothing
        assertTrue(walAfter.equals("absent") || Files.size(wal) == 0, "no frames written to runs.db-wal");
        else assertEquals(walBefore, walAfter, "runs.db-wal is byte-identical");
        String m = e.getMessage();
        assertEquals(db, e.file());
        assertTrue(m.startsWith("the run store " + db + " is damaged ("), m);
        assertTrue(m.contains("./lab restore BACKUP"), m);
        assertFalse(m.contains("\n"), m);
        return m;
    }

    static String sha256(Path f) throws IOException {
        if (!Files.exists(f)) return "absent";
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
