package lab.grokking.core;

/**
 * The evaluation steps at which a task snapshots its model (about {@code count}, log-spaced), consumed in order as
 * the evaluations pass them; a resumed run skips those before its checkpoint.
 */
public final class SnapshotSteps {
    private final long[] steps;
    private int next;

    public SnapshotSteps(LogSchedule schedule, int count) {
        steps = schedule.spread(count);
    }

    /** Whether the evaluation at {@code step} takes a snapshot; call once per evaluation, in step order. */
    public boolean due(long step) {
        while (next < steps.length && steps[next] < step) next++;
        if (next < steps.length && steps[next] == step) {
            next++;
            return true;
        }
        return false;
    }

    public long[] steps() {
        return steps.clone();
    }
}
