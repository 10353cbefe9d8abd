package lab.grokking.core.sweep;

import java.util.List;
import lab.grokking.core.task.OutcomeMetric;

/** Classifies a run's evaluation rows by its task's outcome metric (the rules of {@link Outcome}). */
public final class Outcomes {
    /** Test reaching its level before this many times the fit step shows no delay on the log-step axis. */
    public static final double GROKKING_FACTOR = 2;

    /** {@link #GROKKING_FACTOR} as written ("2"), for the rules' sentences. */
    static String factorText() {
        return java.math.BigDecimal.valueOf(GROKKING_FACTOR)
                .stripTrailingZeros()
                .toPlainString();
    }

    private Outcomes() {}

    /**
     * {@code rows}: the run's evaluation rows in step order, in {@code columns}' order ("step" first);
     * {@code finished}: whether the run finished (anything else is {@link Outcome#NOT_FINISHED}).
     */
    public static Classification classify(
            OutcomeMetric m, List<String> columns, List<double[]> rows, boolean finished) {
        throw new UnsupportedOperationException("TODO");
    }
}
