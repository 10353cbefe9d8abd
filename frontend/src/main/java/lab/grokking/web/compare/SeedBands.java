package lab.grokking.web.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import lab.grokking.core.task.Chart;

/**
 * Mean ± one standard deviation across runs that differ only in their seed, per evaluation step. Honest by
 * construction: a point is drawn only at a step every run evaluated (their shared step grid), from each run's own value
 * there; thinning a long grid keeps whole steps of that grid, so every drawn point is real data of every run, never an
 * interpolation nor one run's min/max bucket against another's.
 */
public final class SeedBands {
    /** Most points per band: beyond it the shared grid is thinned evenly (always keeping its first and last step). */
    public static final int MAX_POINTS = 600;

    private SeedBands() {}

    /** One metric column across runs: mean and sample standard deviation (n − 1) at each shared step. */
    public record Band(String column, String label, double[] mean, double[] std) {}

    /** The bands of one chart, on the shared x grid. */
    public record ChartBands(String key, String title, boolean ylog, String ylabel, long[] steps, List<Band> bands) {}

    /** One run's metrics: its column names (step among them) and its rows in step order. */
    public record RunRows(List<String> columns, List<double[]> rows) {}

    /** Steps every run has a row at, ascending, thinned to at most {@code max}. */
    public static long[] sharedSteps(List<RunRows> runs, int max) {
        TreeSet<Long> shared = null;
        for (RunRows r : runs) {
            int s = r.columns().indexOf("step");
            TreeSet<Long> own = new TreeSet<>();
            if (s >= 0) for (double[] row : r.rows()) own.add((long) row[s]);
            if (shared == null) shared = own;
            else shared.retainAll(own);
        }
        long[] all = shared == null
                ? new long[0]
                : shared.stream().mapToLong(Long::longValue).toArray();
        if (all.length <= max) return all;
        long[] thin = new long[max];
        for (int i = 0; i < max; i++) thin[i] = all[(int) Math.round(i * (all.length - 1) / (double) (max - 1))];
        return thin;
    }

    /**
     * Mean and sample standard deviation of {@code column} at each of {@code steps} across the runs; NaN at a step
     * where a run has no finite value (a diverged run) or the column is missing, NaN std for a single run.
     */
    public static Band band(List<RunRows> runs, long[] steps, String column, String label) {
        int n = runs.size();
        double[][] at = new double[n][];
        for (int r = 0; r < n; r++) at[r] = valuesAt(runs.get(r), steps, column);
        double[] mean = new double[steps.length], std = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double sum = 0;
            for (int r = 0; r < n; r++) sum += at[r][i];
            double m = sum / n, ss = 0;
            for (int r = 0; r < n; r++) ss += (at[r][i] - m) * (at[r][i] - m);
            mean[i] = Double.isFinite(m) ? m : Double.NaN;
            std[i] = n > 1 && Double.isFinite(m) ? Math.sqrt(ss / (n - 1)) : Double.NaN;
        }
        return new Band(column, label, mean, std);
    }

    /** Every chart of a task as bands across the runs (its reference series, e.g. the kernel-regime norm, included). */
    public static List<ChartBands> charts(List<Chart> charts, List<RunRows> runs) {
        long[] steps = sharedSteps(runs, MAX_POINTS);
        List<ChartBands> out = new ArrayList<>();
        for (Chart c : charts) {
            List<Band> bands = new ArrayList<>();
            for (Chart.Series s : c.series()) bands.add(band(runs, steps, s.column(), s.label()));
            out.add(new ChartBands(c.key(), c.title(), c.ylog(), c.ylabel(), steps, bands));
        }
        return out;
    }

    /** The document the grok-bands element draws: x = steps, per series the mean and mean ± std (null: no value). */
    public static Map<String, Object> document(List<ChartBands> charts, int runs) {
        List<Map<String, Object>> cs = new ArrayList<>();
        for (ChartBands c : charts) {
            List<Map<String, Object>> series = new ArrayList<>();
            for (Band b : c.bands()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("label", b.label());
                s.put("mean", finite(b.mean(), 0, b.mean()));
                s.put("lo", finite(b.mean(), -1, b.std()));
                s.put("hi", finite(b.mean(), 1, b.std()));
                series.add(s);
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("key", c.key());
            d.put("title", c.title());
            d.put("ylog", c.ylog());
            d.put("ylabel", c.ylabel());
            d.put("steps", c.steps());
            d.put("series", series);
            cs.add(d);
        }
        return Map.of("runs", runs, "charts", cs);
    }

    /** mean + sign·std per point, null where it is not finite (JSON has no NaN). */
    private static List<Double> finite(double[] mean, int sign, double[] std) {
        List<Double> out = new ArrayList<>(mean.length);
        for (int i = 0; i < mean.length; i++) {
            double v = sign == 0 ? mean[i] : mean[i] + sign * (Double.isFinite(std[i]) ? std[i] : 0);
            out.add(Double.isFinite(v) ? v : null);
        }
        return out;
    }

    private static double[] valuesAt(RunRows run, long[] steps, String column) {
        double[] out = new double[steps.length];
        Arrays.fill(out, Double.NaN);
        int s = run.columns().indexOf("step"), c = run.columns().indexOf(column);
        if (s < 0 || c < 0) return out;
        int i = 0;
        for (double[] row : run.rows()) { // both in step order: one merge pass
            long step = (long) row[s];
            while (i < steps.length && steps[i] < step) i++;
            if (i < steps.length && steps[i] == step) out[i] = row[c];
        }
        return out;
    }
}
