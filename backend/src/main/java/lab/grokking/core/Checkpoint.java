package lab.grokking.core;

/**
 * A training state to resume from: the parameters after {@code step} GD steps, taken after that step's
 * evaluation (if any). GD is deterministic, so resuming from it reproduces the rest of the run bit for bit.
 */
public record Checkpoint(long step, double[][] state) {
    public Checkpoint {
        if (step < 0) throw new IllegalArgumentException("checkpoint step must be >= 0, got " + step);
        state = state.clone();
    }
}
