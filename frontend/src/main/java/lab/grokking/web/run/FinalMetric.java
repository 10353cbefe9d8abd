package lab.grokking.web.run;

import java.util.List;
import java.util.Locale;

/** The headline result of a run: its last row's test accuracy (classification) or test MSE (regression), beside train. */
public final class FinalMetric {
    private FinalMetric() {}

    public static String describe(List<String> columns, List<double[]> rows) {
        if (columns == null || rows.isEmpty()) return "";
        double[] last = rows.get(rows.size() - 1);
        int step = columns.indexOf("step");
        String at = "final (step " + (long) last[step] + "): ";
        int testAcc = columns.indexOf("test_acc");
        if (testAcc >= 0)
            return at + String.format(Locale.ROOT, "train accuracy %.1f %%, test accuracy %.1f %%", 100 * last[columns.indexOf("train_acc")], 100 * last[testAcc]);
        return at + String.format(Locale.ROOT, "train MSE %.3g, test MSE %.3g", last[columns.indexOf("train_mse")], last[columns.indexOf("test_mse")]);
    }
}
