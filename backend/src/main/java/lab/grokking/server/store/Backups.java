package lab.grokking.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Backups of runs.db and their restore, for the CLI ({@code lab backup}, {@code lab restore}) and the server's
 * schedule. A backup is SQLite's {@code VACUUM INTO} on a connection of its own: one read transaction, so under WAL
 * it copies one consistent snapshot while the server keeps writing, and it never waits on the store's serialised
 * connection. Timestamps in file names are UTC, so names sort in time order.
 */
public final class Backups {
    private static final System.Logger LOG = System.getLogger(Backups.class.getName());
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Only the schedule's own files are pruned, never a backup a user put in the folder. */
    private static final Pattern SCHEDULED = Pattern.compile("runs-\\d{8}-\\d{6}\\.db");

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    public static final String DB = "runs.db";
    public static final String FOLDER = "backups";

    private Backups() {}

    /** A backup written: its file, bytes, runs (not removed) in it, and milliseconds its copy took. */
    public record Written(Path file, long bytes, int runs, long millis) {}

    /** A restore: the new runs.db, where the previous one was kept (null: there was none), runs restored. */
    public record Restored(Path runsDb, Path keptAside, int runs) {}

    /**
     * Copies DATA_DIR/runs.db to {@code out}, which must not exist: written to a temporary file beside it, synced,
     * then renamed, so {@code out} is never a partial copy.
     */
    public static Written backup(Path dataDir, Path out) {
        Path db = dataDir.resolve(DB).toAbsolutePath();
        if (!Files.isRegularFile(db)) throw new IllegalStateException("no run store at " + db);
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw exists(target, null);
        long t0 = 0;
        Path tmp = null;
        try {
            if (Files.exists(target.getParent()) && !Files.isDirectory(target.getParent()))
                throw new NotDirectoryException(target.getParent().toString());
            Files.createDirectories(target.getParent());
            // VACUUM INTO accepts an empty file; a name of our own avoids two writers on one temporary file
            tmp = newFile(target.getParent(), "." + target.getFileName() + ".", ".partial");
            try (Connection c = open(db);
                    PreparedStatement p = c.prepareStatement("VACUUM INTO ?")) {
                t0 = System.nanoTime(); // the copy, not the driver's first load (about a second in a fresh JVM)
                p.setString(1, tmp.toString());
                p.execute();
            }
            int runs = runCount(tmp);
            sync(tmp); // SQLite does not sync a VACUUM INTO file
            try {
                Files.move(tmp, target); // no REPLACE_EXISTING: a file that appeared meanwhile stays
            } catch (FileAlreadyExistsException e) {
                throw exists(target, e);
            }
            syncDirectory(target.getParent());
            return new Written(target, Files.size(target), runs, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup " + target + ": " + why(e), e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot back up " + db + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) for (String suffix : List.of("", "-journal")) deleteQuietly(sibling(tmp, suffix));
        }
    }

    private static IllegalStateException exists(Path target, Exception cause) {
        return new IllegalStateException(target + " exists; a backup never overwrites a file, choose another", cause);
    }

    /** One scheduled backup, DATA_DIR/backups/runs-YYYYMMDD-HHMMSS.db, then the oldest beyond {@code keep} go. */
    public static Written scheduled(Path dataDir, int keep) {
        Path dir = dataDir.resolve(FOLDER);
        Written w = backup(dataDir, dir.resolve("runs-" + STAMP.format(Instant.now()) + ".db"));
        prune(dir, keep);
        return w;
    }

    /** Deletes the oldest scheduled backups in {@code dir} beyond the newest {@code keep}; returns those deleted. */
    public static List<Path> prune(Path dir, int keep) {
        List<Path> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files)
                if (SCHEDULED.matcher(f.getFileName().toString()).matches()) all.add(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + why(e), e);
        }
        all.sort(null); // UTC stamps: name order is time order
        List<Path> gone = new ArrayList<>(all.subList(0, Math.max(0, all.size() - keep)));
        for (Path f : gone)
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the old backup " + f + ": " + why(e), e);
            }
        return gone;
    }

    /**
     * Replaces DATA_DIR/runs.db by a backup. Holds the data-directory lock throughout, so it refuses while a server
     * runs there and no server starts halfway. The backup is copied into DATA_DIR and that copy is checked (a SQLite
     * file, integrity check, a runs table, a schema this build knows), so what is checked is what is installed, and a
     * refusal changes nothing. The current runs.db is kept as runs.db.before-restore-STAMP (its WAL, which may hold
     * committed transactions, beside it as ...-wal), then the copy is renamed over runs.db in one step.
     */
    public static Restored restore(Path dataDir, Path backup) {
        if (!Files.isRegularFile(backup)) throw new IllegalStateException("no such file: " + backup);
        Path dir = dataDir.toAbsolutePath().normalize();
        try (DataDirLock lock =
                DataDirLock.acquire(dir, "stop it before restoring (it holds " + dir.resolve(DataDirLock.FILE) + ")")) {
            if (!hasSqliteHeader(backup))
                throw new IllegalStateException(backup + " is not a SQLite database; nothing was changed");
            Path tmp = newFile(dir, ".restore-", ".db");
            try {
                Files.copy(backup, tmp, StandardCopyOption.REPLACE_EXISTING);
                int runs = check(tmp, backup);
                sync(tmp);
                Path db = dir.resolve(DB);
                Path aside = null;
                if (Files.exists(db)) {
                    aside = dir.resolve(DB + ".before-restore-" + STAMP.format(Instant.now()));
                    keepAside(db, aside);
                }
                Files.deleteIfExists(sibling(db, "-shm")); // an index of the old WAL, rebuilt on open
                Files.move(tmp, db, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(dir);
                return new Restored(db, aside, runs);
            } finally {
                for (String suffix : List.of("", "-wal", "-shm", "-journal")) deleteQuietly(sibling(tmp, suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore into " + dir + ": " + why(e), e);
        }
    }

    /**
     * runs.db stays in place until the rename over it (a crash before leaves a store a server can open): the copy
     * aside is a hard link (a byte copy where links are not supported). The WAL must go before the rename, or SQLite
     * would replay the old store's pages into the new one.
     */
    private static void keepAside(Path db, Path aside) throws IOException {
        try {
            Files.createLink(aside, db);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(db, aside);
        }
        Path wal = sibling(db, "-wal");
        if (Files.exists(wal)) Files.move(wal, sibling(aside, "-wal"));
    }

    /** Runs in the checked copy, or one sentence on what is wrong with {@code original}. */
    private static int check(Path copy, Path original) {
        try (Connection c = open(copy);
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                List<String> problems = new ArrayList<>();
                while (r.next()) // a row may hold several lines, headed "*** in database main ***"
                for (String line : r.getString(1).split("\n"))
                        if (!line.isBlank() && !line.equals("ok") && !line.startsWith("***")) problems.add(line);
                if (!problems.isEmpty())
                    throw new IllegalStateException(original + " fails SQLite's integrity check (" + problems.getFirst()
                            + (problems.size() > 1 ? ", and " + (problems.size() - 1) + " more problems" : "")
                            + "); nothing was changed");
            }
            try (ResultSet r = s.executeQuery(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'schema_version')")) {
                r.next();
                if (r.getInt(1) < 2)
                    throw new IllegalStateException(
                            original
                                    + " is a SQLite database but not a Grokking Lab store (no runs table); nothing was changed");
            }
            try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                r.next();
                int v = r.getInt(1);
                if (v > Migrations.SCRIPTS.size())
                    throw new IllegalStateException(original + " has schema version " + v + ", newer than this build's "
                            + Migrations.SCRIPTS.size()
                            + "; restore it with a newer Grokking Lab; nothing was changed");
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM runs WHERE removed = 0")) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    original + " is not a readable SQLite database (" + e.getMessage() + "); nothing was changed", e);
        }
    }

    private static int runCount(Path db) throws SQLException {
        try (Connection c = open(db);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM runs WHERE removed = 0")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static Connection open(Path db) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000"); // the server's checkpoint may hold the write lock a moment
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The JDK's file exceptions say only the path; this says what happened to it. */
    static String why(IOException e) {
        return switch (e) {
            case NoSuchFileException f -> "no such file or directory: " + f.getFile();
            case FileAlreadyExistsException f -> f.getFile() + " exists";
            case NotDirectoryException f -> f.getFile() + " is not a directory";
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            default -> e.getMessage();
        };
    }

    private static boolean hasSqliteHeader(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return Arrays.equals(in.readNBytes(SQLITE_HEADER.length), SQLITE_HEADER);
        }
    }

    private static void sync(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a rename durable; some file systems cannot sync a directory, and the rename stands without it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** An empty file of a new name, with the mode SQLite gives its own files (a temp file's 0600 would stick). */
    private static Path newFile(Path dir, String prefix, String suffix) throws IOException {
        while (true) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try {
                return Files.createFile(dir.resolve(prefix + random + suffix));
            } catch (FileAlreadyExistsException e) {
                // taken: draw another name
            }
        }
    }

    /** SQLite's companion files: NAME-wal, NAME-shm, NAME-journal. */
    private static Path sibling(Path f, String suffix) {
        return f.resolveSibling(f.getFileName() + suffix);
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless: names of our own, never read
        }
    }

    /** Starts a daemon thread writing a scheduled backup every {@code hours} (first one after {@code hours}). */
    public static Schedule every(Path dataDir, double hours, int keep) {
        return new Schedule(dataDir, hours, keep);
    }

    /** The server's scheduled backups; a failed one is logged in one line and the next one is tried as planned. */
    public static final class Schedule implements AutoCloseable {
        private final ScheduledExecutorService thread;
        private final ScheduledFuture<?> task;

        private Schedule(Path dataDir, double hours, int keep) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "groklab-backup");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, Math.round(hours * 3600e9));
            task = thread.scheduleWithFixedDelay(
                    () -> {
                        try {
                            Written w = scheduled(dataDir, keep);
                            LOG.log(
                                    System.Logger.Level.INFO,
                                    "backup " + w.file() + ": " + w.bytes() + " bytes, " + w.runs() + " run(s), "
                                            + w.millis() + " ms");
                        } catch (RuntimeException e) { // thrown on, it would cancel every later backup
                            LOG.log(System.Logger.Level.WARNING, "scheduled backup failed: " + e.getMessage());
                        }
                    },
                    period,
                    period,
                    TimeUnit.NANOSECONDS);
        }

        /** Stops the schedule, waiting for a backup in progress (its connection is its own, the store may close). */
        @Override
        public void close() {
            task.cancel(false);
            thread.shutdown();
            try {
                if (!thread.awaitTermination(60, TimeUnit.SECONDS)) thread.shutdownNow();
            } catch (InterruptedException e) {
                thread.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
