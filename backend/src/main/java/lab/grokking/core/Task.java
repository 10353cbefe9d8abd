package lab.grokking.core;

/** A runnable experiment built from a validated config. */
public interface Task {
    /** Trains to the end (or until cancelled or diverged), reporting rows and progress to the listener. */
    RunResult run(RunListener listener);
}
