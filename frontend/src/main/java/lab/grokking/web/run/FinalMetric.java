package lab.grokking.web.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.task.OutcomeMetric;
import lab.grokking.core.task.TaskSpec;

/** The headline result of a run: its last row's train and test values of the task's outcome metric (accuracy, MSE, …). */
public final class FinalMetric {
    private FinalMetric() {}

    public static String describe(TaskSpec<?> spec, List<String> columns, List<double[]> rows) {
        if (columns == null || rows.isEmpty()) return "";
        double[] last = rows.get(rows.size() - 1);
        int step = columns.indexOf("step");
        String at = step < 0 ? "final: " : "final (step " + (long) last[step] + "): ";
        OutcomeMetric o = spec.outcome();
        List<String> parts = new ArrayList<>();
        for (String column : List.of(o.trainColumn(), o.testColumn())) {
            int i = columns.indexOf(column);
            if (i >= 0) parts.add(value(column, last[i]));
        }
        return parts.isEmpty() ? "" : at + String.join(", ", parts);
    }

    /** "train_acc" → "train accuracy 97.5 %", "test_mse" → "test MSE 0.102", any other column by its name. */
    public static String value(String column, double v) {
        if (column.endsWith("_acc"))
            return String.format(
                    Locale.ROOT,
                    "%s accuracy %.1f %%",
                    column.substring(0, column.length() - 4).replace('_', ' '),
                    100 * v);
        if (column.endsWith("_mse"))
            return String.format(
                    Locale.ROOT,
                    "%s MSE %.3g",
                    column.substring(0, column.length() - 4).replace('_', ' '),
                    v);
        return String.format(Locale.ROOT, "%s %.3g", column.replace('_', ' '), v);
    }
}
