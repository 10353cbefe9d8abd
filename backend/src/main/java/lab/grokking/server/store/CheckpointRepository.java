package lab.grokking.server.store;

import java.util.List;
import java.util.Optional;
import lab.grokking.core.Checkpoint;

/**
 * A run's latest training state, stored with {@link CheckpointCodec} and guarded by a checksum. Each call is
 * atomic; a caller's transaction is joined.
 */
public interface CheckpointRepository {
    /** Replaces the run's checkpoint. */
    void save(String runId, Checkpoint checkpoint);

    /**
     * The run's checkpoint; empty if there is none or it is torn or corrupt (better to start over than resume wrongly).
     *
     * @throws CheckpointCodec.UnsupportedFormatException if a newer build wrote it
     */
    Optional<Checkpoint> find(String runId);

    void delete(String runId);

    /** What is wrong with stored checkpoints ("checkpoint of ID ..."); empty when all read back. */
    List<String> problems();
}
