package lab.grokking.core.task;

import java.util.List;

/**
 * One chart of a task's run view: which metric columns it draws and how.
 *
 * @param key    stable id (the view's hide/show state uses it)
 * @param ylog   log-scaled y axis
 * @param series the columns drawn, in legend order
 */
public record Chart(String key, String title, boolean ylog, String ylabel, List<Series> series) {
    /** dash: drawn dashed (a reference curve, e.g. the kernel-regime norm). */
    public record Series(String column, String label, boolean dash) {}

    /**
     * ‖θ‖₂ beside α·e^(−ληk), the norm weight decay alone would leave: every task of the paper leaves the kernel
     * regime where the two part (columns "norm" and "kernel_norm").
     */
    public static final Chart KERNEL_REGIME_NORM = new Chart(
            "norm",
            "‖θ‖₂ and the kernel regime α·e^(−ληk)",
            true,
            "norm",
            List.of(s("norm", "‖θ‖₂"), s("kernel_norm", "α·e^(−ληk)")));

    public Chart {
        series = List.copyOf(series);
    }

    /** A series; columns named kernel_* are reference curves and drawn dashed. */
    public static Series s(String column, String label) {
        return new Series(column, label, column.startsWith("kernel_"));
    }
}
