package lab.grokking.core;

/** Receives a run's evaluation rows and progress as they happen (called on the training thread). */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    /** Called once before the first evaluation, with the metric columns of the rows to come. */
    default void onStart(java.util.List<String> columns) {}

    default void onEvaluation(double[] row) {}

    default void onProgress(long step, long totalSteps) {}

    /** Polled between steps; true stops the run with status CANCELLED. */
    default boolean cancelled() { return false; }
}
