package lab.grokking.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** {@link MetricRepository} on the metrics table (one float64 blob per row, see {@link Blobs}). */
final class JdbcMetricRepository implements MetricRepository {
    private final JdbcDatabase db;

    JdbcMetricRepository(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void append(String runId, List<double[]> rows) {
        if (rows.isEmpty()) return;
        db.run("append rows of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO metrics (run_id, step, row) VALUES (?, ?, ?)"
                    + " ON CONFLICT (run_id, step) DO UPDATE SET row = excluded.row")) {
                for (double[] row : rows) {
                    p.setString(1, runId);
                    p.setLong(2, (long) row[0]);
                    p.setBytes(3, Blobs.encode(row));
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    @Override
    public List<double[]> all(String runId) {
        return db.call("read metrics of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT row FROM metrics WHERE run_id = ? ORDER BY step")) {
                p.setString(1, runId);
                List<double[]> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) out.add(Blobs.decodeDoubles(r.getBytes(1)));
                }
                return out;
            }
        });
    }

    @Override
    public OptionalLong lastStep(String runId) {
        return db.call("read the last step of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT MAX(step) FROM metrics WHERE run_id = ?")) {
                p.setString(1, runId);
                try (ResultSet r = p.executeQuery()) {
                    Long step = r.next() ? JdbcDatabase.nullableLong(r, 1) : null;
                    return step == null ? OptionalLong.empty() : OptionalLong.of(step);
                }
            }
        });
    }

    @Override
    public void deleteAfter(String runId, long step) {
        db.run("truncate rows of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM metrics WHERE run_id = ? AND step > ?")) {
                p.setString(1, runId);
                p.setLong(2, step);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void deleteAll(String runId) {
        db.run("delete rows of " + runId, c -> JdbcDatabase.update(c, "DELETE FROM metrics WHERE run_id = ?", runId));
    }
}
