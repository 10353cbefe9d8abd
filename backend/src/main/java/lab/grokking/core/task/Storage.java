package lab.grokking.core.task;

import lab.grokking.core.LogSchedule;
import lab.grokking.core.config.RunConfig;

/**
 * What a run writes to the store, known from its config: {@code snapshots} net snapshots of {@code snapshotFloats}
 * float32 values each, fixed snapshots (the predictors) of {@code fixedFloats} values in all, {@code rows} metric rows
 * of {@code columns} float64 values, and a checkpoint of {@code stateDoubles} float64 values. The same sizes give the
 * bytes it stores (the disk limits) and the memory they take until they are written (part of the memory limit), so
 * both are computed here, once for every task.
 *
 * @param fields the fields a user changes to store less (named in the error)
 */
public record Storage(
        int snapshots, long snapshotFloats, long fixedFloats, int rows, int columns, long stateDoubles, String fields) {
    /** A checkpoint's bytes beyond its values (the codec's header, one length per array, checksum), rounded up. */
    static final long CHECKPOINT_OVERHEAD = 1024;
    /** Bytes of a Java array's header, per row held in memory. */
    static final long ARRAY_HEADER = 16;

    /**
     * What a run of {@code cfg} stores: the task gives the sizes of one net snapshot (0: it takes none), of its fixed
     * snapshots together and of its checkpoint state; the schedule gives the counts.
     */
    public static Storage of(
            RunConfig cfg, int columns, long snapshotFloats, long fixedFloats, long stateDoubles, String fields) {
        LogSchedule schedule = new LogSchedule(cfg.steps(), cfg.evalPerDecade());
        int snapshots = snapshotFloats == 0 ? 0 : schedule.spread(SpecTask.SNAPSHOTS).length;
        return new Storage(snapshots, snapshotFloats, fixedFloats, schedule.size(), columns, stateDoubles, fields);
    }

    public long snapshotBytes() {
        return (snapshots * snapshotFloats + fixedFloats) * Float.BYTES;
    }

    public long rowBytes() {
        return (long) rows * columns * Double.BYTES;
    }

    public long checkpointBytes() {
        return stateDoubles * Double.BYTES + CHECKPOINT_OVERHEAD;
    }

    /** Bytes of blobs the run has in the store at most: all rows and snapshots beside its last checkpoint. */
    public long diskBytes() {
        return snapshotBytes() + rowBytes() + checkpointBytes();
    }

    /**
     * Peak bytes held for the store besides the model. Rows and snapshots wait for the next checkpoint; the snapshots are
     * log-spaced, so most of them come in the first evaluations, long before the loop's first chance to checkpoint:
     * the worst case, all of them pending at once, is the usual one and is counted whole (flushing them early would
     * store snapshots that no checkpoint backs). Beside them: one snapshot encoded for writing, the rows twice (the
     * loop's table; pending and the live view share a copy) and the checkpoint twice (the state copy, its encoding).
     */
    public long memoryBytes() {
        return snapshotBytes()
                + Math.max(snapshotFloats, fixedFloats) * Float.BYTES
                + 2 * (rowBytes() + rows * ARRAY_HEADER)
                + 2 * checkpointBytes();
    }

    /** What the bytes are, for the error message. */
    public String note() {
        return (snapshots > 0 ? snapshots + " snapshots of " + snapshotFloats + " floats, " : "")
                + (fixedFloats > 0 ? fixedFloats + " floats of predictors, " : "")
                + "a checkpoint of " + stateDoubles + " doubles and " + rows + " metric rows";
    }
}
