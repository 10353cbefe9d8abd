package lab.grokking.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.grokking.core.Snapshot;

/** {@link SnapshotRepository} on the snapshots table (one float32 blob per snapshot, see {@link Blobs}). */
final class JdbcSnapshotRepository implements SnapshotRepository {
    private final JdbcDatabase db;

    JdbcSnapshotRepository(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void append(String runId, List<Snapshot> snapshots) {
        if (snapshots.isEmpty()) return;
        db.run("append snapshots of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO snapshots (run_id, name, step, n_rows, n_cols, data) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (run_id, name, step) DO UPDATE SET n_rows = excluded.n_rows,"
                            + " n_cols = excluded.n_cols, data = excluded.data")) {
                for (Snapshot s : snapshots) { // one at a time: a batch would hold every encoded blob until it runs
                    p.setString(1, runId);
                    p.setString(2, s.name());
                    p.setLong(3, s.step());
                    p.setInt(4, s.rows());
                    p.setInt(5, s.cols());
                    p.setBytes(6, Blobs.encode(s.values()));
                    p.executeUpdate();
                }
            }
        });
    }

    @Override
    public List<RunStore.SnapshotInfo> list(String runId) {
        return db.call("list snapshots of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT name, step, n_rows, n_cols FROM snapshots WHERE run_id = ? ORDER BY name, step")) {
                p.setString(1, runId);
                List<RunStore.SnapshotInfo> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next())
                        out.add(new RunStore.SnapshotInfo(r.getString(1), r.getLong(2), r.getInt(3), r.getInt(4)));
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Snapshot> get(String runId, String name, long step) {
        return db.call("read snapshot of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT n_rows, n_cols, data FROM snapshots WHERE run_id = ? AND name = ? AND step = ?")) {
                p.setString(1, runId);
                p.setString(2, name);
                p.setLong(3, step);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) return Optional.empty();
                    return Optional.of(
                            new Snapshot(name, step, r.getInt(1), r.getInt(2), Blobs.decodeFloats(r.getBytes(3))));
                }
            }
        });
    }

    @Override
    public void deleteAfter(String runId, long step) {
        db.run("truncate snapshots of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM snapshots WHERE run_id = ? AND step > ?")) {
                p.setString(1, runId);
                p.setLong(2, step);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void deleteAll(String runId) {
        db.run(
                "delete snapshots of " + runId,
                c -> JdbcDatabase.update(c, "DELETE FROM snapshots WHERE run_id = ?", runId));
    }
}
