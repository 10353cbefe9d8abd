package lab.grokking.core.task;

/**
 * What "the model fits" and "the model generalises" mean for a task: a train and a test column and the level that
 * counts as reached ("test accuracy ≥ 0.95", "test MSE ≤ 10⁻³"). Sweeps classify runs with it.
 */
public record OutcomeMetric(String trainColumn, String testColumn, boolean higherIsBetter, double level) {
    public static OutcomeMetric atLeast(String train, String test, double level) {
        return new OutcomeMetric(train, test, true, level);
    }

    public static OutcomeMetric atMost(String train, String test, double level) {
        return new OutcomeMetric(train, test, false, level);
    }

    /** Whether a value of either column reaches the level (NaN never does). */
    public boolean reached(double value) {
        return higherIsBetter ? value >= level : value <= level;
    }

    /** As users read it, e.g. "test_acc ≥ 0.95". */
    public String describe(String column) {
        return column + (higherIsBetter ? " ≥ " : " ≤ ") + level;
    }
}
