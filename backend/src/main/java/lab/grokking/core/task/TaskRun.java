package lab.grokking.core.task;

import java.util.Map;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Snapshot;
import lab.grokking.core.TrainingLoop;

/** A task set up for training (data generated, predictors solved): the model the shared loop drives, and its own summary. */
public interface TaskRun extends TrainingLoop.Model {
    /** The task's part of the run summary (data sizes, predictors), filled during set-up; the skeleton adds the rest. */
    Map<String, Object> summary();

    /** The kernel set the steps run on, e.g. "vector-sign-float32" (provenance). */
    String kernels();

    /** Threads a step uses (provenance). */
    int threads();

    /** The net's snapshot after the evaluation at {@code step} (null: the task takes none). */
    default Snapshot snapshot(long step) {
        return null;
    }

    /** Adds what only the finished table tells to the task's summary. */
    default void finish(MetricTable table) {}
}
