package lab.grokking.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link LabRepository} on the labs and lab_runs tables. */
final class JdbcLabRepository implements LabRepository {
    private final JdbcDatabase db;

    JdbcLabRepository(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(String id, String doc, String client, String teacherKeyHash) {
        db.run("insert lab " + id, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO labs (id, doc, client, created_at, teacher_key_hash) VALUES (?,?,?,?,?)")) {
                p.setString(1, id);
                p.setString(2, doc);
                p.setString(3, client);
                p.setLong(4, System.currentTimeMillis());
                p.setString(5, teacherKeyHash);
                p.executeUpdate();
            }
        });
    }

    @Override
    public Optional<String> get(String id) {
        return one("read lab " + id, "SELECT doc FROM labs WHERE id = ?", id);
    }

    @Override
    public void update(String id, String doc) {
        db.run("update lab " + id, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE labs SET doc = ? WHERE id = ?")) {
                p.setString(1, doc);
                p.setString(2, id);
                p.executeUpdate();
            }
        });
    }

    @Override
    public Optional<String> teacherKeyHash(String id) {
        return one("read lab key " + id, "SELECT teacher_key_hash FROM labs WHERE id = ?", id);
    }

    private Optional<String> one(String what, String sql, String id) {
        return db.call(what, c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean insertRun(StoredLabRun row) {
        return db.call("record lab run " + row.runId(), c -> {
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO lab_runs (lab_id, run_id, client, name, hidden, created_at)"
                            + " VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                p.setString(1, row.labId());
                p.setString(2, row.runId());
                p.setString(3, row.client());
                p.setString(4, row.name());
                p.setInt(5, row.hidden() ? 1 : 0);
                p.setLong(6, row.createdAt());
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<StoredLabRun> runs(String labId) {
        return select(labId, null);
    }

    @Override
    public List<StoredLabRun> runsOf(String labId, String client) {
        return select(labId, client);
    }

    private List<StoredLabRun> select(String labId, String client) {
        return db.call("read lab runs " + labId, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("SELECT run_id, client, name, hidden, created_at FROM lab_runs WHERE lab_id = ?"
                            + (client == null ? "" : " AND client = ?") + " ORDER BY created_at, "
                            + db.dialect().insertionOrder)) {
                p.setString(1, labId);
                if (client != null) p.setString(2, client);
                List<StoredLabRun> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next())
                        out.add(new StoredLabRun(
                                labId, r.getString(1), r.getString(2), r.getString(3), r.getInt(4) != 0, r.getLong(5)));
                }
                return out;
            }
        });
    }

    @Override
    public int setHidden(String labId, String runId, boolean hidden) {
        return db.call("hide lab run " + runId, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("UPDATE lab_runs SET hidden = ? WHERE lab_id = ? AND run_id = ?")) {
                p.setInt(1, hidden ? 1 : 0);
                p.setString(2, labId);
                p.setString(3, runId);
                return p.executeUpdate();
            }
        });
    }
}
