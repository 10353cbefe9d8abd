package lab.grokking.core;

/** A runnable experiment built from a validated config. */
public interface Task {
    /** Trains to the end (or until cancelled or diverged), reporting rows and progress to the listener. */
    default RunResult run(RunListener listener) {
        return run(listener, null);
    }

    /**
     * Trains from {@code resume} (null: from the start). Only rows and snapshots after the checkpoint's step are
     * reported and kept in the result's metrics; the earlier ones were reported by the run that took it.
     */
    RunResult run(RunListener listener, Checkpoint resume);
}
