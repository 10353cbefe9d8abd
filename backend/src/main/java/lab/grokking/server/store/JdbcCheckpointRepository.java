package lab.grokking.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.grokking.core.Checkpoint;

/**
 * {@link CheckpointRepository} on the checkpoints table: the {@link CheckpointCodec} blob, its step, and the
 * blob's crc32 in a column of its own (older than the codec's checksum, and the only one format 0 has).
 */
final class JdbcCheckpointRepository implements CheckpointRepository {
    private static final System.Logger LOG = System.getLogger(JdbcCheckpointRepository.class.getName());
    private final JdbcDatabase db;

    JdbcCheckpointRepository(JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void save(String runId, Checkpoint cp) {
        byte[] state = CheckpointCodec.encode(cp);
        db.run("save the checkpoint of " + runId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO checkpoints (run_id, step, state, crc) VALUES (?, ?, ?, ?) ON CONFLICT (run_id)"
                            + " DO UPDATE SET step = excluded.step, state = excluded.state, crc = excluded.crc")) {
                p.setString(1, runId);
                p.setLong(2, cp.step());
                p.setBytes(3, state);
                p.setLong(4, Blobs.crc(state));
                p.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Checkpoint> find(String runId) {
        record Row(long step, byte[] state, long crc) {}
        Optional<Row> row = db.call("read checkpoint of " + runId, c -> {
            try (PreparedStatement p =
                    c.prepareStatement("SELECT step, state, crc FROM checkpoints WHERE run_id = ?")) {
                p.setString(1, runId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next()
                            ? Optional.of(new Row(r.getLong(1), r.getBytes(2), r.getLong(3)))
                            : Optional.empty();
                }
            }
        });
        if (row.isEmpty()) return Optional.empty();
        Row r = row.get();
        if (Blobs.crc(r.state()) != r.crc())
            return Optional.empty(); // torn or corrupted: start over rather than resume wrongly
        Checkpoint cp;
        try {
            cp = CheckpointCodec.decode(r.state(), r.step());
        } catch (CheckpointCodec.CorruptCheckpointException e) {
            LOG.log(System.Logger.Level.WARNING, "run " + runId + ": " + e.getMessage() + "; the run starts over");
            return Optional.empty(); // as above; a format from a newer build is not corrupt, so that one propagates
        }
        if (cp.step() != r.step()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "run " + runId + ": checkpoint holds step " + cp.step() + " but is filed at step " + r.step()
                            + "; the run starts over");
            return Optional.empty();
        }
        return Optional.of(cp);
    }

    @Override
    public void delete(String runId) {
        db.run(
                "delete the checkpoint of " + runId,
                c -> JdbcDatabase.update(c, "DELETE FROM checkpoints WHERE run_id = ?", runId));
    }

    @Override
    public List<String> problems() {
        return db.call("check checkpoints", c -> {
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT run_id, step, state, crc FROM checkpoints")) {
                while (r.next()) {
                    byte[] state = r.getBytes(3);
                    if (Blobs.crc(state) != r.getLong(4)) {
                        problems.add("checkpoint of " + r.getString(1) + " fails its checksum");
                        continue;
                    }
                    try {
                        CheckpointCodec.decode(state, r.getLong(2));
                    } catch (CheckpointCodec.CheckpointFormatException e) {
                        problems.add("checkpoint of " + r.getString(1) + ": " + e.getMessage());
                    }
                }
            }
            return problems;
        });
    }
}
