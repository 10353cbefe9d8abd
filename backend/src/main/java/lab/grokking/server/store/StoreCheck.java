package lab.grokking.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteJDBCLoader;

/**
 * The start-up check of runs.db, run before any read-write connection opens it, so a damaged file is never written:
 * on a read-only connection (its close cannot checkpoint the WAL into the file; opening may create an empty
 * runs.db-wal and runs.db-shm, which hold no data), SQLite's {@code quick_check}, and the pairing of runs.db with
 * the write-ahead log beside it. SQLITE_CORRUPT or SQLITE_NOTADB raised while opening or
 * reading is the same verdict.
 *
 * <p>The pairing: SQLite replays any runs.db-wal whose own checksums hold, even one written for another database
 * (the WAL header's salts and checksums cover the log alone; nothing in either file names the other), and the first
 * read-write connection would then copy it into runs.db for good. When the log holds a page 1, what SQLite reads
 * through it must agree with runs.db's own header: the page size (fixed in WAL mode), the application id and the
 * random store id this store writes once ({@link #mark}), and the page count (this store never shrinks: no VACUUM).
 * A foreign log that leaves page 1 alone is caught only when its pages break the b-trees.
 *
 * <p>Decision: a store that fails the check refuses to start; it does not start read-only. Nearly everything the
 * server does writes (submitting, training, checkpoints, resuming interrupted runs), so a read-only server would
 * seem up and then fail request by request, and reads of damaged pages can fail at any time; one sentence at start with
 * the repair is clearer, and the file stays exactly as it was for that repair.
 */
final class StoreCheck {
    private static final System.Logger LOG = System.getLogger(StoreCheck.class.getName());
    /** "GrLb" in the header's application id: marks a Grokking Lab store. */
    static final int APPLICATION_ID = 0x47724c62;

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_PROBLEM = 160;

    private StoreCheck() {}

    /** Throws {@link StoreCorruptException} when {@code db} (absent: nothing to check) fails the check. */
    static void check(Path db) {
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        try {
            SQLiteJDBCLoader.initialize(); // the native library's one-time load is not the check's time
        } catch (Exception e) {
            throw new IllegalStateException("cannot load SQLite's native library: " + e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        try {
            if (!Files.exists(db)) {
                if (Files.exists(wal) && Files.size(wal) > 0)
                    throw corrupt(
                            db, "runs.db is missing but its write-ahead log " + wal.getFileName() + " is there", true);
                return;
            }
            long bytes = Files.size(db) + (Files.exists(wal) ? Files.size(wal) : 0);
            Header raw = Header.read(db);
            if (raw == null) throw corrupt(db, "file is not a database", false);
            inspect(db, wal, raw, Files.exists(wal) && Files.size(wal) > 32); // frames past the 32-byte header
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.log(System.Logger.Level.INFO, () -> "store check of " + size(bytes) + " took " + ms + " ms");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the run store " + db + ": " + e.getMessage(), e);
        }
    }

    private static void inspect(Path db, Path wal, Header raw, boolean logged) throws IOException {
        SQLiteConfig ro = new SQLiteConfig();
        ro.setReadOnly(true);
        ro.setBusyTimeout(5000);
        try (Connection c = ro.createConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            if (raw.pageSize() > 0) pairing(db, wal, raw, logged, s); // first: the sharper diagnosis, from page 1 alone
            String verdict = text(s, "PRAGMA quick_check(1)");
            if (!"ok".equals(verdict)) throw corrupt(db, "quick_check: " + problem(verdict), false);
        } catch (SQLException e) {
            int code = e.getErrorCode() & 0xff; // primary result code
            if (code != 11 && code != 26) // SQLITE_CORRUPT, SQLITE_NOTADB: the same verdict as quick_check's
            throw new IllegalStateException("cannot check the run store " + db + ": " + e.getMessage(), e);
            String said = e.getMessage().replaceFirst("^\\[(\\w+)] .*? \\((.*)\\)$", "$1: $2");
            throw corrupt(db, problem(said), false, e);
        }
    }

    /** Whether what SQLite reads through runs.db-wal is still runs.db; see the class comment. */
    private static void pairing(Path db, Path wal, Header raw, boolean logged, Statement s)
            throws IOException, SQLException {
        // header reads first: page_size answers the connection's default until page 1 has been read
        int appId = (int) number(s, "PRAGMA application_id"), storeId = (int) number(s, "PRAGMA user_version");
        long pages = number(s, "PRAGMA page_count"), pageSize = number(s, "PRAGMA page_size");
        String foreign = null;
        if (pageSize != raw.pageSize())
            foreign = "its page size is " + pageSize + " where runs.db's is " + raw.pageSize();
        else if (raw.appId() == APPLICATION_ID && appId != APPLICATION_ID)
            foreign = "it makes runs.db another application's database";
        else if (raw.appId() == APPLICATION_ID && raw.storeId() != 0 && storeId != raw.storeId())
            foreign = "it carries another store's id";
        else if (logged && pages < Files.size(db) / raw.pageSize())
            foreign = "it shrinks runs.db from " + Files.size(db) / raw.pageSize() + " to " + pages + " pages";
        if (foreign != null)
            throw corrupt(
                    db, "its write-ahead log " + wal.getFileName() + " belongs to another database: " + foreign, true);
    }

    /**
     * Marks a store that is not yet marked: the application id and a random store id (in user_version), which later
     * checks compare between runs.db and its write-ahead log.
     */
    static void mark(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (number(s, "PRAGMA application_id") != 0) return;
            int id;
            do id = new SecureRandom().nextInt();
            while (id == 0);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                s.execute("PRAGMA application_id = " + APPLICATION_ID);
                s.execute("PRAGMA user_version = " + id);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** The fields of runs.db's own 100-byte header that a write-ahead log of the same database cannot change. */
    record Header(int pageSize, int appId, int storeId) {
        /** Null when the file is not an SQLite database; page size 0 for an empty file. */
        static Header read(Path db) throws IOException {
            byte[] h;
            try (InputStream in = Files.newInputStream(db)) {
                h = in.readNBytes(100);
            }
            if (h.length == 0) return new Header(0, 0, 0);
            if (h.length < 100 || !Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) return null;
            ByteBuffer b = ByteBuffer.wrap(h); // big-endian, as SQLite writes it
            int pageSize = b.getShort(16) & 0xffff;
            return new Header(pageSize == 1 ? 65536 : pageSize, b.getInt(68), b.getInt(60));
        }
    }

    private static StoreCorruptException corrupt(Path db, String problem, boolean walProblem) {
        return corrupt(db, problem, walProblem, null);
    }

    private static StoreCorruptException corrupt(Path db, String problem, boolean walProblem, Throwable cause) {
        String wal = db.getFileName() + "-wal";
        String repair = walProblem
                ? "if " + wal + " was copied in from elsewhere, move it and " + db.getFileName()
                        + "-shm out of the data directory, else restore a backup with ./lab restore BACKUP"
                : "restore a backup with ./lab restore BACKUP, or salvage what is readable with sqlite3 " + db
                        + " \".recover\" | sqlite3 fixed.db and put fixed.db in its place";
        return new StoreCorruptException(
                db, "the run store " + db + " is damaged (" + problem + "); it was left untouched: " + repair, cause);
    }

    static String size(long bytes) {
        return bytes < 1_000_000 ? (bytes + 999) / 1000 + " kB" : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** The first problem SQLite reports, on one line, cut to a readable length. */
    static String problem(String report) {
        String one = report.replace("*** in database main ***", " ")
                .replaceAll("\\s+", " ")
                .strip();
        return one.length() <= MAX_PROBLEM ? one : one.substring(0, MAX_PROBLEM - 1) + "…";
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : "";
        }
    }

    private static long number(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
