package lab.grokking.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** {@link LabRepository} on SQLite's labs table. */
final class SqliteLabRepository implements LabRepository {
    private final SqliteDatabase db;

    SqliteLabRepository(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(String id, String doc, String client) {
        db.run("insert lab " + id, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO labs (id, doc, client, created_at) VALUES (?,?,?,?)")) {
                p.setString(1, id);
                p.setString(2, doc);
                p.setString(3, client);
                p.setLong(4, System.currentTimeMillis());
                p.executeUpdate();
            }
        });
    }

    @Override
    public Optional<String> get(String id) {
        return db.call("read lab " + id, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT doc FROM labs WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }
}
