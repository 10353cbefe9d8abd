package lab.grokking.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link SweepRepository} on the sweeps and sweep_members tables. */
final class JdbcSweepRepository implements SweepRepository {
    private static final String COLUMNS = "id, doc, client, created_at, cancelled";

    private final JdbcDatabase db;

    JdbcSweepRepository(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(StoredSweep s) {
        db.run("insert sweep " + s.id(), c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO sweeps (id, doc, client, created_at, cancelled) VALUES (?,?,?,?,?)")) {
                p.setString(1, s.id());
                p.setString(2, s.doc());
                p.setString(3, s.client());
                p.setLong(4, s.createdAt());
                p.setInt(5, s.cancelled() ? 1 : 0);
                p.executeUpdate();
            }
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO sweep_members (sweep_id, idx, run_id) VALUES (?,?,?)")) {
                for (int i = 0; i < s.runIds().size(); i++) {
                    p.setString(1, s.id());
                    p.setInt(2, i);
                    p.setString(3, s.runIds().get(i));
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    @Override
    public Optional<StoredSweep> get(String id) {
        return db.call("read sweep " + id, c -> {
            List<StoredSweep> out = query(c, "SELECT " + COLUMNS + " FROM sweeps WHERE id = ?", id);
            return out.stream().findFirst();
        });
    }

    @Override
    public List<StoredSweep> list(String client, int limit) {
        return db.call(
                "list sweeps",
                c -> query(
                        c,
                        "SELECT " + COLUMNS + " FROM sweeps WHERE client = ? ORDER BY created_at DESC, id LIMIT "
                                + Math.max(0, limit),
                        client));
    }

    @Override
    public List<StoredSweep> waiting() {
        return db.call(
                "list waiting sweeps",
                c -> query(
                        c,
                        "SELECT " + COLUMNS + " FROM sweeps s WHERE cancelled = 0 AND EXISTS (SELECT 1 FROM"
                                + " sweep_members m WHERE m.sweep_id = s.id AND m.run_id IS NULL)"
                                + " ORDER BY created_at, id"));
    }

    @Override
    public void setMemberRun(String sweepId, int index, String runId) {
        db.run("set member " + index + " of sweep " + sweepId, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("UPDATE sweep_members SET run_id = ? WHERE sweep_id = ? AND idx = ?")) {
                p.setString(1, runId);
                p.setString(2, sweepId);
                p.setInt(3, index);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void cancel(String id) {
        db.run("cancel sweep " + id, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE sweeps SET cancelled = 1 WHERE id = ?")) {
                p.setString(1, id);
                p.executeUpdate();
            }
        });
    }

    private static List<StoredSweep> query(Connection c, String sql, String... args) throws SQLException {
        List<StoredSweep> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) p.setString(i + 1, args[i]);
            try (ResultSet r = p.executeQuery()) {
                while (r.next())
                    out.add(new StoredSweep(
                            r.getString(1),
                            r.getString(2),
                            r.getString(3),
                            r.getLong(4),
                            r.getInt(5) != 0,
                            members(c, r.getString(1))));
            }
        }
        return out;
    }

    private static List<String> members(Connection c, String id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p =
                c.prepareStatement("SELECT run_id FROM sweep_members WHERE sweep_id = ? ORDER BY idx")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) out.add(r.getString(1));
            }
        }
        return out;
    }
}
