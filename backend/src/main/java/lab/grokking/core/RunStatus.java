package lab.grokking.core;

/** How a run ended. */
public enum RunStatus {
    FINISHED,
    DIVERGED,
    CANCELLED
}
