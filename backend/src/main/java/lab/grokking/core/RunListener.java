package lab.grokking.core;

/** Receives a run's evaluation rows and progress as they happen (called on the training thread). */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void onEvaluation(double[] row) {}

    default void onProgress(long step, long totalSteps) {}

    /** Polled between steps; true stops the run with status CANCELLED. */
    default boolean cancelled() { return false; }
}
