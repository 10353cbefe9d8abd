package lab.grokking.server.store;

import static lab.grokking.server.store.JdbcDatabase.nullableLong;
import static lab.grokking.server.store.JdbcDatabase.setLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import lab.grokking.core.config.Configs;

/** {@link RunRepository} on the runs table. */
final class JdbcRunRepository implements RunRepository {
    private static final String COLS =
            "id, config_key, task, config, seed, code_version, client, priority, steps, status, message, columns, summary, "
                    + "provenance, progress_step, created_at, started_at, finished_at, lab_id";
    private final JdbcDatabase db;

    JdbcRunRepository(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(StoredRun r) {
        db.run("insert run " + r.id(), c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO runs (" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
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
                p.setString(19, r.lab());
                p.executeUpdate();
            } catch (SQLException e) {
                if (!duplicateKey(e)) throw e;
                // another run (maybe inserted by another member just now) holds the key: name it
                try (PreparedStatement p =
                        c.prepareStatement("SELECT id FROM runs WHERE config_key = ? AND removed = 0")) {
                    p.setString(1, r.configKey());
                    try (ResultSet q = p.executeQuery()) {
                        if (!q.next()) throw e;
                        throw new DuplicateRunException(r.configKey(), q.getString(1));
                    }
                }
            }
        });
    }

    /** A violation of runs_live_key (one run per config key that was not removed), as either engine words it. */
    static boolean duplicateKey(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("runs.config_key") || m.contains("runs_live_key");
    }

    @Override
    public Optional<StoredRun> get(String id) {
        return one("SELECT " + COLS + " FROM runs WHERE id = ? AND removed = 0", id);
    }

    @Override
    public Optional<StoredRun> findByKey(String key) {
        return one(
                "SELECT " + COLS
                        + " FROM runs WHERE config_key = ? AND removed = 0 ORDER BY created_at DESC, "
                        + db.dialect().insertionOrder
                        + " DESC LIMIT 1",
                key);
    }

    @Override
    public List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit) {
        String sql = "SELECT " + COLS + " FROM runs WHERE removed = 0 AND " + FILTER
                + " ORDER BY created_at DESC, "
                + db.dialect().insertionOrder + " DESC LIMIT ? OFFSET ?";
        return db.call("list runs", c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                filter(p, client, task, status);
                p.setInt(7, limit);
                p.setInt(8, offset);
                return runs(p);
            }
        });
    }

    @Override
    public int count(String client, String task, StoredRun.Status status) {
        return db.call("count runs", c -> {
            try (PreparedStatement p =
                    c.prepareStatement("SELECT COUNT(*) FROM runs WHERE removed = 0 AND " + FILTER)) {
                filter(p, client, task, status);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getInt(1) : 0;
                }
            }
        });
    }

    /** Optional filters (null: any) on client, task and status, bound by {@link #filter}. */
    private static final String FILTER =
            "(? IS NULL OR client = ?) AND (? IS NULL OR task = ?) AND (? IS NULL OR status = ?)";

    private static void filter(PreparedStatement p, String client, String task, StoredRun.Status status)
            throws SQLException {
        p.setString(1, client);
        p.setString(2, client);
        p.setString(3, task);
        p.setString(4, task);
        p.setString(5, status == null ? null : status.name());
        p.setString(6, status == null ? null : status.name());
    }

    @Override
    public List<StoredRun> createdSince(String client, long sinceMillis) {
        return db.call("list runs of a client", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT " + COLS + " FROM runs WHERE client = ? AND created_at >= ? ORDER BY created_at, "
                            + db.dialect().insertionOrder)) {
                p.setString(1, client);
                p.setLong(2, sinceMillis);
                return runs(p);
            }
        });
    }

    @Override
    public List<StoredRun> unfinished() {
        return db.call("list unfinished runs", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLS
                    + " FROM runs WHERE removed = 0 AND status IN ('QUEUED', 'RUNNING') ORDER BY created_at, "
                    + db.dialect().insertionOrder)) {
                return runs(p);
            }
        });
    }

    @Override
    public void setStatus(
            String id, StoredRun.Status status, String message, List<String> columns, boolean revokeClaims) {
        String sql = "UPDATE runs SET status = ?, message = ?, columns = COALESCE(?, columns), "
                + (status == StoredRun.Status.RUNNING ? "started_at = COALESCE(started_at, ?)" : "finished_at = ?")
                + (status == StoredRun.Status.QUEUED ? ", owner = NULL" : "")
                + (revokeClaims ? ", epoch = epoch + 1" : "")
                + " WHERE id = ? AND removed = 0";
        db.run("set status of " + id, c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, status.name());
                p.setString(2, message);
                p.setString(3, columns == null ? null : json(columns));
                if (status == StoredRun.Status.RUNNING || status.isFinal()) p.setLong(4, System.currentTimeMillis());
                else p.setNull(4, Types.BIGINT);
                p.setString(5, id);
                p.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Claim> claimOf(String id) {
        return db.call("read the claim on " + id, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("SELECT owner, epoch FROM runs WHERE id = ? AND removed = 0")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(new Claim(id, r.getString(1), r.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<RunStore.Running> running(int limit) {
        return db.call("list running runs", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id, owner, epoch, progress_step FROM runs"
                    + " WHERE status = 'RUNNING' AND removed = 0 LIMIT ?")) {
                p.setInt(1, limit);
                List<RunStore.Running> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next())
                        out.add(new RunStore.Running(
                                new Claim(r.getString(1), r.getString(2), r.getLong(3)), r.getLong(4)));
                }
                return out;
            }
        });
    }

    @Override
    public boolean claim(String id, String owner, long expectedEpoch) {
        boolean[] won = {false};
        db.run("claim " + id, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE runs SET owner = ?, epoch = epoch + 1 WHERE id = ?"
                    + " AND epoch = ? AND removed = 0 AND status IN ('QUEUED', 'RUNNING')")) {
                p.setString(1, owner);
                p.setString(2, id);
                p.setLong(3, expectedEpoch);
                won[0] = p.executeUpdate() == 1;
            }
        });
        return won[0];
    }

    @Override
    public void fence(Claim claim) {
        db.run("hold the claim on " + claim.runId(), c -> {
            try (PreparedStatement p =
                    c.prepareStatement("UPDATE runs SET epoch = epoch WHERE id = ? AND owner = ? AND epoch = ?")) {
                p.setString(1, claim.runId());
                p.setString(2, claim.owner());
                p.setLong(3, claim.epoch());
                if (p.executeUpdate() == 1) return;
            }
            try (PreparedStatement p = c.prepareStatement("SELECT owner, epoch FROM runs WHERE id = ?")) {
                p.setString(1, claim.runId());
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) throw new OwnershipLostException(claim, null, null);
                    throw new OwnershipLostException(claim, r.getString(1), r.getLong(2));
                }
            }
        });
    }

    /** "alias's owner is one of these" with a parameter per owner (none: false). */
    private static String ownedBy(String alias, Set<String> owners) {
        return owners.isEmpty()
                ? "(1 = 0)"
                : "(" + alias + ".owner IN ("
                        + String.join(", ", owners.stream().map(o -> "?").toList()) + "))";
    }

    @Override
    public List<Claim> claimable(Set<String> liveOwners, int limit) {
        String sql = "SELECT id, owner, epoch FROM runs r WHERE removed = 0 AND status IN ('QUEUED', 'RUNNING')"
                + " AND (owner IS NULL OR NOT " + ownedBy("r", liveOwners) + ")"
                + " ORDER BY (SELECT COUNT(*) FROM runs x WHERE x.client = r.client AND x.removed = 0"
                + " AND x.status IN ('QUEUED', 'RUNNING') AND " + ownedBy("x", liveOwners)
                + "), priority, created_at, id LIMIT ?";
        return db.call("list claimable runs", c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = 1;
                for (int pass = 0; pass < 2; pass++) for (String o : liveOwners) p.setString(i++, o);
                p.setInt(i, limit);
                List<Claim> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) out.add(new Claim(r.getString(1), r.getString(2), r.getLong(3)));
                }
                return out;
            }
        });
    }

    @Override
    public void setProgress(String id, long step) {
        db.run("set progress of " + id, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("UPDATE runs SET progress_step = ? WHERE id = ? AND removed = 0")) {
                p.setLong(1, step);
                p.setString(2, id);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void finish(
            String id,
            StoredRun.Status status,
            String message,
            String summary,
            String provenance,
            OptionalLong lastStep) {
        db.run("finish " + id, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE runs SET status = ?, message = ?, summary = ?, provenance = ?, finished_at = ?, progress_step = COALESCE(?, progress_step) WHERE id = ? AND removed = 0")) {
                p.setString(1, status.name());
                p.setString(2, message);
                p.setString(3, summary);
                p.setString(4, provenance);
                p.setLong(5, System.currentTimeMillis());
                setLong(p, 6, lastStep.isPresent() ? lastStep.getAsLong() : null);
                p.setString(7, id);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void recountStoredBytes(String id, boolean snapshotsChanged) {
        db.run("count the stored bytes of " + id, c -> {
            if (snapshotsChanged)
                JdbcDatabase.update(
                        c,
                        "UPDATE runs SET snapshot_bytes ="
                                + " (SELECT COALESCE(SUM(length(data)), 0) FROM snapshots WHERE run_id = ?) WHERE id = ?",
                        id);
            // SQLite: length() of the rows (small) and of the checkpoint (a rowid table) reads no blob
            JdbcDatabase.update(
                    c,
                    "UPDATE runs SET stored_bytes = snapshot_bytes"
                            + " + (SELECT COALESCE(SUM(length(row)), 0) FROM metrics WHERE run_id = ?)"
                            + " + (SELECT COALESCE(SUM(length(state)), 0) FROM checkpoints WHERE run_id = ?) WHERE id = ?",
                    id);
        });
    }

    /** Runs the owner counts at their estimate, not at what they have stored so far. */
    private static final String SETTLED = "client = ? AND removed = 0 AND status NOT IN ('QUEUED', 'RUNNING')";

    @Override
    public long storedBytes(String client, String exceptRun) {
        return db.call("count the stored bytes of a client", c -> {
            // the sum reads the covering index runs_stored_by_client only; the run left out is one primary-key lookup
            try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(SUM(stored_bytes), 0) - COALESCE("
                    + "(SELECT stored_bytes FROM runs WHERE id = ? AND " + SETTLED + "), 0) FROM runs WHERE "
                    + SETTLED)) {
                p.setString(1, exceptRun);
                p.setString(2, client);
                p.setString(3, client);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void markRemoved(String id) {
        db.run("remove " + id, c -> JdbcDatabase.update(c, "UPDATE runs SET removed = 1 WHERE id = ?", id));
    }

    @Override
    public List<String> finishedWithoutLastRow() {
        return db.call("check finished runs", c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery(
                            "SELECT id FROM runs WHERE status = 'FINISHED' AND removed = 0 AND NOT EXISTS "
                                    + "(SELECT 1 FROM metrics m WHERE m.run_id = runs.id AND m.step = runs.steps)")) {
                while (r.next()) out.add(r.getString(1));
            }
            return out;
        });
    }

    private Optional<StoredRun> one(String sql, String arg) {
        return db.call("read run", c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, arg);
                List<StoredRun> r = runs(p);
                return r.isEmpty() ? Optional.empty() : Optional.of(r.getFirst());
            }
        });
    }

    private static List<StoredRun> runs(PreparedStatement p) throws SQLException {
        List<StoredRun> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                String cols = r.getString(12);
                out.add(new StoredRun(
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getString(4),
                        r.getLong(5),
                        r.getString(6),
                        r.getString(7),
                        r.getInt(8),
                        r.getLong(9),
                        StoredRun.Status.valueOf(r.getString(10)),
                        r.getString(11),
                        cols == null ? null : Configs.JSON.readValue(cols, STRINGS),
                        r.getString(13),
                        r.getString(14),
                        r.getLong(15),
                        r.getLong(16),
                        nullableLong(r, 17),
                        nullableLong(r, 18),
                        r.getString(19)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt columns in the run store", e);
        }
        return out;
    }

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private static String json(Object o) {
        try {
            return Configs.JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
