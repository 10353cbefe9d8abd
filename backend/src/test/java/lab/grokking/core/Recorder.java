package lab.grokking.core;

import java.util.ArrayList;
import java.util.List;

/** Records what a run reports; takes a checkpoint at every poll when asked to. */
public final class Recorder implements RunListener {
    public final List<double[]> rows = new ArrayList<>();
    public final List<Snapshot> snapshots = new ArrayList<>();
    public final List<Checkpoint> checkpoints = new ArrayList<>();
    private final boolean checkpointEveryPoll;

    public Recorder(boolean checkpointEveryPoll) {
        this.checkpointEveryPoll = checkpointEveryPoll;
    }

    @Override
    public void onEvaluation(double[] row) {
        rows.add(row.clone());
    }

    @Override
    public void onSnapshot(Snapshot s) {
        snapshots.add(s);
    }

    @Override
    public boolean checkpointDue() {
        return checkpointEveryPoll;
    }

    @Override
    public void onCheckpoint(Checkpoint c) {
        checkpoints.add(c);
    }

    public List<Snapshot> snapshots(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Rows after the given step. */
    public List<double[]> rowsAfter(long step) {
        return rows.stream().filter(r -> r[0] > step).toList();
    }
}
