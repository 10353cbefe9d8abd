package lab.grokking.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.Configs;

/**
 * The embedded default store: one SQLite file (runs.db) in the data directory, WAL journal. A committed
 * transaction survives a killed process (WAL with synchronous=NORMAL loses at most the last transactions on
 * power loss, never on a crash of the JVM). One connection, serialised: writes are small and rare (rows are
 * batched per checkpoint), and hot reads come from the cache.
 */
public final class SqliteRunStore implements RunStore {
    private static final System.Logger LOG = System.getLogger(SqliteRunStore.class.getName());
    private final Connection c;

    public SqliteRunStore(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("runs.db").toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            Migrations.apply(c);
        } catch (java.io.IOException | SQLException e) {
            throw new IllegalStateException("cannot open the run store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static final String COLS = "id, config_key, task, config, seed, code_version, client, priority, steps, status, message, columns, summary, "
            + "provenance, progress_step, created_at, started_at, finished_at";

    @Override
    public synchronized void insert(StoredRun r) {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO runs (" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            p.setString(1, r.id());
            p.setString(2, r.configKey());
            p.setString(3, r.task());
            p.setString(4, r.config());
            p.setLong(5, r.seed());
            p.setString(6, r.codeVersion());
            p.setString(7, r.client());
            p.setInt(8, r.priority());
            p.setLong(9, r.steps());
            p.setString(10, r.status().name());
            p.setString(11, r.message());
            p.setString(12, r.columns() == null ? null : json(r.columns()));
            p.setString(13, r.summary());
            p.setString(14, r.provenance());
            p.setLong(15, r.progressStep());
            p.setLong(16, r.createdAt());
            setLong(p, 17, r.startedAt());
            setLong(p, 18, r.finishedAt());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("insert run " + r.id(), e);
        }
    }

    @Override
    public synchronized Optional<StoredRun> get(String id) {
        return one("SELECT " + COLS + " FROM runs WHERE id = ? AND removed = 0", id);
    }

    @Override
    public synchronized Optional<StoredRun> findByKey(String key) {
        return one("SELECT " + COLS + " FROM runs WHERE config_key = ? AND removed = 0 ORDER BY created_at DESC, rowid DESC LIMIT 1", key);
    }

    @Override
    public synchronized List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit) {
        String sql = "SELECT " + COLS + " FROM runs WHERE removed = 0 AND " + FILTER + " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            filter(p, client, task, status);
            p.setInt(7, limit);
            p.setInt(8, offset);
            return runs(p);
        } catch (SQLException e) {
            throw failed("list runs", e);
        }
    }

    @Override
    public synchronized int count(String client, String task, StoredRun.Status status) {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM runs WHERE removed = 0 AND " + FILTER)) {
            filter(p, client, task, status);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw failed("count runs", e);
        }
    }

    /** Optional filters (null: any) on client, task and status, bound by {@link #filter}. */
    private static final String FILTER = "(? IS NULL OR client = ?) AND (? IS NULL OR task = ?) AND (? IS NULL OR status = ?)";

    private static void filter(PreparedStatement p, String client, String task, StoredRun.Status status) throws SQLException {
        p.setString(1, client);
        p.setString(2, client);
        p.setString(3, task);
        p.setString(4, task);
        p.setString(5, status == null ? null : status.name());
        p.setString(6, status == null ? null : status.name());
    }

    @Override
    public synchronized List<StoredRun> unfinished() {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLS + " FROM runs WHERE removed = 0 AND status IN ('QUEUED', 'RUNNING') ORDER BY created_at, rowid")) {
            return runs(p);
        } catch (SQLException e) {
            throw failed("list unfinished runs", e);
        }
    }

    @Override
    public synchronized void setStatus(String id, StoredRun.Status status, String message, List<String> columns) {
        String sql = status == StoredRun.Status.RUNNING
                ? "UPDATE runs SET status = ?, message = ?, columns = COALESCE(?, columns), started_at = COALESCE(started_at, ?) WHERE id = ?"
                : "UPDATE runs SET status = ?, message = ?, columns = COALESCE(?, columns), finished_at = ? WHERE id = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, status.name());
            p.setString(2, message);
            p.setString(3, columns == null ? null : json(columns));
            if (status == StoredRun.Status.RUNNING || status.isFinal()) p.setLong(4, System.currentTimeMillis());
            else p.setNull(4, Types.INTEGER);
            p.setString(5, id);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("set status of " + id, e);
        }
    }

    @Override
    public synchronized void saveCheckpoint(String id, Checkpoint cp, List<double[]> rows, List<Snapshot> snapshots) {
        transaction("checkpoint " + id, () -> {
            append(id, rows, snapshots);
            byte[] state = CheckpointCodec.encode(cp);
            try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO checkpoints (run_id, step, state, crc) VALUES (?, ?, ?, ?)")) {
                p.setString(1, id);
                p.setLong(2, cp.step());
                p.setBytes(3, state);
                p.setLong(4, crc(state));
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE runs SET progress_step = ? WHERE id = ?")) {
                p.setLong(1, cp.step());
                p.setString(2, id);
                p.executeUpdate();
            }
            Faults.inCheckpointTransaction();
        });
    }

    @Override
    public synchronized void finish(String id, StoredRun.Status status, String message, String summary, String provenance, List<double[]> rows,
            List<Snapshot> snapshots, boolean keepCheckpoint) {
        transaction("finish " + id, () -> {
            append(id, rows, snapshots);
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE runs SET status = ?, message = ?, summary = ?, provenance = ?, finished_at = ?, progress_step = "
                            + "COALESCE((SELECT MAX(step) FROM metrics WHERE run_id = ?), progress_step) WHERE id = ?")) {
                p.setString(1, status.name());
                p.setString(2, message);
                p.setString(3, summary);
                p.setString(4, provenance);
                p.setLong(5, System.currentTimeMillis());
                p.setString(6, id);
                p.setString(7, id);
                p.executeUpdate();
            }
            if (!keepCheckpoint) delete("DELETE FROM checkpoints WHERE run_id = ?", id);
        });
    }

    private void append(String id, List<double[]> rows, List<Snapshot> snapshots) throws SQLException {
        if (!rows.isEmpty()) {
            try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO metrics (run_id, step, row) VALUES (?, ?, ?)")) {
                for (double[] row : rows) {
                    p.setString(1, id);
                    p.setLong(2, (long) row[0]);
                    p.setBytes(3, encode(row));
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
        if (!snapshots.isEmpty()) {
            try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO snapshots (run_id, name, step, n_rows, n_cols, data) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Snapshot s : snapshots) {
                    p.setString(1, id);
                    p.setString(2, s.name());
                    p.setLong(3, s.step());
                    p.setInt(4, s.rows());
                    p.setInt(5, s.cols());
                    p.setBytes(6, encode(s.values()));
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
    }

    @Override
    public synchronized Optional<Checkpoint> checkpoint(String id) {
        try (PreparedStatement p = c.prepareStatement("SELECT step, state, crc FROM checkpoints WHERE run_id = ?")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) return Optional.empty();
                byte[] state = r.getBytes(2);
                if (crc(state) != r.getLong(3)) return Optional.empty(); // torn or corrupted: start over rather than resume wrongly
                Checkpoint cp;
                try {
                    cp = CheckpointCodec.decode(state, r.getLong(1));
                } catch (CheckpointCodec.CorruptCheckpointException e) {
                    LOG.log(System.Logger.Level.WARNING, "run " + id + ": " + e.getMessage() + "; the run starts over");
                    return Optional.empty(); // as above; a format from a newer build is not corrupt, so that one propagates
                }
                if (cp.step() != r.getLong(1)) {
                    LOG.log(System.Logger.Level.WARNING, "run " + id + ": checkpoint holds step " + cp.step() + " but is filed at step " + r.getLong(1) + "; the run starts over");
                    return Optional.empty();
                }
                return Optional.of(cp);
            }
        } catch (SQLException e) {
            throw failed("read checkpoint of " + id, e);
        }
    }

    @Override
    public synchronized void truncateAfter(String id, long step) {
        transaction("truncate " + id, () -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM metrics WHERE run_id = ? AND step > ?")) {
                p.setString(1, id);
                p.setLong(2, step);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM snapshots WHERE run_id = ? AND step > ?")) {
                p.setString(1, id);
                p.setLong(2, step);
                p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized List<double[]> metrics(String id) {
        try (PreparedStatement p = c.prepareStatement("SELECT row FROM metrics WHERE run_id = ? ORDER BY step")) {
            p.setString(1, id);
            List<double[]> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(decodeDoubles(r.getBytes(1)));
            }
            return out;
        } catch (SQLException e) {
            throw failed("read metrics of " + id, e);
        }
    }

    @Override
    public synchronized List<SnapshotInfo> snapshots(String id) {
        try (PreparedStatement p = c.prepareStatement("SELECT name, step, n_rows, n_cols FROM snapshots WHERE run_id = ? ORDER BY name, step")) {
            p.setString(1, id);
            List<SnapshotInfo> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(new SnapshotInfo(r.getString(1), r.getLong(2), r.getInt(3), r.getInt(4)));
            }
            return out;
        } catch (SQLException e) {
            throw failed("list snapshots of " + id, e);
        }
    }

    @Override
    public synchronized Optional<Snapshot> snapshot(String id, String name, long step) {
        try (PreparedStatement p = c.prepareStatement("SELECT n_rows, n_cols, data FROM snapshots WHERE run_id = ? AND name = ? AND step = ?")) {
            p.setString(1, id);
            p.setString(2, name);
            p.setLong(3, step);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) return Optional.empty();
                return Optional.of(new Snapshot(name, step, r.getInt(1), r.getInt(2), decodeFloats(r.getBytes(3))));
            }
        } catch (SQLException e) {
            throw failed("read snapshot of " + id, e);
        }
    }

    @Override
    public synchronized void insertLab(String id, String doc, String client) {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO labs (id, doc, client, created_at) VALUES (?,?,?,?)")) {
            p.setString(1, id);
            p.setString(2, doc);
            p.setString(3, client);
            p.setLong(4, System.currentTimeMillis());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("insert lab " + id, e);
        }
    }

    @Override
    public synchronized Optional<String> lab(String id) {
        try (PreparedStatement p = c.prepareStatement("SELECT doc FROM labs WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read lab " + id, e);
        }
    }

    @Override
    public synchronized void remove(String id) {
        transaction("remove " + id, () -> {
            delete("DELETE FROM metrics WHERE run_id = ?", id);
            delete("DELETE FROM snapshots WHERE run_id = ?", id);
            delete("DELETE FROM checkpoints WHERE run_id = ?", id);
            delete("UPDATE runs SET removed = 1 WHERE id = ?", id);
        });
    }

    @Override
    public synchronized String integrityCheck() {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                while (r.next()) if (!"ok".equals(r.getString(1))) problems.add(r.getString(1));
            }
            try (ResultSet r = s.executeQuery("PRAGMA foreign_key_check")) {
                while (r.next()) problems.add("dangling reference in " + r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT run_id, step, state, crc FROM checkpoints")) {
                while (r.next()) {
                    if (crc(r.getBytes(3)) != r.getLong(4)) problems.add("checkpoint of " + r.getString(1) + " fails its checksum");
                    else {
                        try {
                            CheckpointCodec.decode(r.getBytes(3), r.getLong(2));
                        } catch (CheckpointCodec.CheckpointFormatException e) {
                            problems.add("checkpoint of " + r.getString(1) + ": " + e.getMessage());
                        }
                    }
                }
            }
            try (ResultSet r = s.executeQuery("SELECT id FROM runs WHERE status = 'FINISHED' AND removed = 0 AND NOT EXISTS "
                    + "(SELECT 1 FROM metrics m WHERE m.run_id = runs.id AND m.step = runs.steps)")) {
                while (r.next()) problems.add("finished run " + r.getString(1) + " lacks its last row");
            }
        } catch (SQLException e) {
            problems.add(e.getMessage());
        }
        return problems.isEmpty() ? "ok" : String.join("; ", problems);
    }

    @Override
    public synchronized void close() {
        try {
            c.close();
        } catch (SQLException e) {
            throw failed("close the store", e);
        }
    }

    private interface Body { void run() throws SQLException; }

    private void transaction(String what, Body body) {
        try {
            c.setAutoCommit(false);
            try {
                body.run();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private void delete(String sql, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, id);
            p.executeUpdate();
        }
    }

    private Optional<StoredRun> one(String sql, String arg) {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, arg);
            List<StoredRun> r = runs(p);
            return r.isEmpty() ? Optional.empty() : Optional.of(r.getFirst());
        } catch (SQLException e) {
            throw failed("read run", e);
        }
    }

    private static List<StoredRun> runs(PreparedStatement p) throws SQLException {
        List<StoredRun> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                String cols = r.getString(12);
                out.add(new StoredRun(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5), r.getString(6), r.getString(7),
                        r.getInt(8), r.getLong(9), StoredRun.Status.valueOf(r.getString(10)), r.getString(11),
                        cols == null ? null : Configs.JSON.readValue(cols, STRINGS), r.getString(13), r.getString(14), r.getLong(15), r.getLong(16),
                        nullableLong(r, 17), nullableLong(r, 18)));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("corrupt columns in the run store", e);
        }
        return out;
    }

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private static String json(Object o) {
        try {
            return Configs.JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Long nullableLong(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
        if (v == null) p.setNull(i, Types.INTEGER);
        else p.setLong(i, v);
    }

    private static IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("run store: cannot " + what + ": " + e.getMessage(), e);
    }

    static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    static byte[] encode(double[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(a);
        return b.array();
    }

    static double[] decodeDoubles(byte[] bytes) {
        double[] a = new double[bytes.length / 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(a);
        return a;
    }

    static byte[] encode(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    static float[] decodeFloats(byte[] bytes) {
        float[] a = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        return a;
    }
}
