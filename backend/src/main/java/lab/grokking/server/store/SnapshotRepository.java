package lab.grokking.server.store;

import java.util.List;
import java.util.Optional;
import lab.grokking.core.Snapshot;

/** A run's matrix snapshots (float32, keyed by name and step; step -1 for fixed ones). Each call is atomic; a caller's transaction is joined. */
public interface SnapshotRepository {
    /** Adds the snapshots, replacing any with the same name and step. */
    void append(String runId, List<Snapshot> snapshots);

    /** Names and steps, in (name, step) order. */
    List<RunStore.SnapshotInfo> list(String runId);

    Optional<Snapshot> get(String runId, String name, long step);

    void deleteAfter(String runId, long step);

    void deleteAll(String runId);
}
