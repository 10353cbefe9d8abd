package lab.grokking.core.sweep;

import java.math.BigDecimal;
import java.util.List;
import lab.grokking.core.task.OutcomeMetric;

/**
 * Classifies a run's evaluation rows by its task's outcome metric (the rules of {@link Outcome}). A metric "holds" from
 * a row when it reaches the level there and at every later row: early noisy touches of the level do not count.
 */
public final class Outcomes {
    /** Test holding its level from before this many times the fit step shows no delay on the log-step axis. */
    public static final double GROKKING_FACTOR = 2;

    private Outcomes() {}

    /** {@link #GROKKING_FACTOR} as written ("2"), for the rules' sentences. */
    static String factorText() {
        return BigDecimal.valueOf(GROKKING_FACTOR).stripTrailingZeros().toPlainString();
    }

    /**
     * {@code rows}: the run's evaluation rows in step order, in {@code columns}' order ("step" first);
     * {@code finished}: whether the run finished (anything else is {@link Outcome#NOT_FINISHED}).
     */
    public static Classification classify(
            OutcomeMetric m, List<String> columns, List<double[]> rows, boolean finished) {
        if (!finished)
            return new Classification(
                    Outcome.NOT_FINISHED,
                    null,
                    null,
                    null,
                    "the run has not finished (queued, running, cancelled, failed or diverged): no final curve");
        int step = column(columns, "step"),
                train = column(columns, m.trainColumn()),
                test = column(columns, m.testColumn());
        int n = rows.size();
        if (n == 0) return new Classification(Outcome.DID_NOT_FIT, null, null, null, "the run has no evaluation rows");
        boolean[] tr = new boolean[n], te = new boolean[n];
        for (int i = 0; i < n; i++) {
            tr[i] = m.reached(rows.get(i)[train]);
            te[i] = m.reached(rows.get(i)[test]);
        }
        String trainRule = m.describe(m.trainColumn()), testRule = m.describe(m.testColumn());
        int firstFit = first(tr);
        if (firstFit < 0)
            return new Classification(
                    Outcome.DID_NOT_FIT, null, null, null, trainRule + " at no evaluation (" + n + " rows)");
        if (!tr[n - 1]) {
            long fit = stepOf(rows, firstFit, step), lost = stepOf(rows, finalStretch(tr), step);
            return new Classification(
                    Outcome.COLLAPSED,
                    fit,
                    lost,
                    null,
                    trainRule + " first at step " + fit + ", lost from step " + lost + " to the end");
        }
        long fit = stepOf(rows, finalStretch(tr), step);
        if (te[n - 1]) {
            long transition = stepOf(rows, finalStretch(te), step);
            boolean delayed = transition >= GROKKING_FACTOR * Math.max(fit, 1);
            return new Classification(
                    delayed ? Outcome.GROKKED : Outcome.GENERALISED,
                    fit,
                    transition,
                    transition - fit,
                    trainRule + " from step " + fit + ", " + testRule + " from step " + transition
                            + (delayed ? ", at least " : ", less than ") + factorText() + "× the fit step");
        }
        if (first(te) < 0)
            return new Classification(
                    Outcome.MEMORISED,
                    fit,
                    null,
                    null,
                    trainRule + " from step " + fit + ", " + testRule + " at no evaluation");
        long lost = stepOf(rows, finalStretch(te), step);
        return new Classification(
                Outcome.MISGROKKED,
                fit,
                lost,
                null,
                trainRule + " from step " + fit + ", " + testRule + " first at step " + stepOf(rows, first(te), step)
                        + ", lost from step " + lost + " to the end");
    }

    private static int column(List<String> columns, String name) {
        int i = columns.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column '" + name + "' in " + columns);
        return i;
    }

    private static int first(boolean[] b) {
        for (int i = 0; i < b.length; i++) if (b[i]) return i;
        return -1;
    }

    /** The first row of the stretch of equal values that ends at the last row. */
    private static int finalStretch(boolean[] b) {
        int i = b.length - 1;
        while (i > 0 && b[i - 1] == b[b.length - 1]) i--;
        return i;
    }

    private static long stepOf(List<double[]> rows, int i, int step) {
        return (long) rows.get(i)[step];
    }
}
