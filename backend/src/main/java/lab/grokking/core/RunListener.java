package lab.grokking.core;

import java.util.List;

/** Receives a run's evaluation rows and progress as they happen (called on the training thread). */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    /** Called once before the first evaluation, with the metric columns of the rows to come. */
    default void onStart(List<String> columns) {}

    default void onEvaluation(double[] row) {}

    /** A snapshot for the views; fixed predictors come before training starts, matrix snapshots at evaluation steps. */
    default void onSnapshot(Snapshot s) {}

    default void onProgress(long step, long totalSteps) {}

    /** Polled between steps; true stops the run with status CANCELLED. */
    default boolean cancelled() {
        return false;
    }

    /** Polled every {@link TrainingLoop#CHECK_EVERY} steps; true makes the loop call {@link #onCheckpoint}. */
    default boolean checkpointDue() {
        return false;
    }

    /** The state after {@code c.step()} steps; every row up to that step has been reported. */
    default void onCheckpoint(Checkpoint c) {}
}
