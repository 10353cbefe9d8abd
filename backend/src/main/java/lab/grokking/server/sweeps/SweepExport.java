package lab.grokking.server.sweeps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.MetricTable;
import lab.grokking.core.task.TaskSpecs;

/**
 * A sweep as a table, one row per member: index, the axis fields, seed, run_id, status, outcome, fit_step,
 * transition_step, delay, and final_&lt;metric&gt; for each of the task's metric columns. CSV and JSON have the same
 * columns; numbers in CSV as in a run's metrics.csv.
 */
final class SweepExport {
    private static final String FINAL = "final_";

    private SweepExport() {}

    static List<String> columns(SweepReport r) {
        List<String> cols = new ArrayList<>(List.of("index"));
        for (SweepReport.Axis a : r.axes()) cols.add(a.field());
        cols.addAll(List.of("seed", "run_id", "status", "outcome", "fit_step", "transition_step", "delay"));
        for (String c : TaskSpecs.get(r.task()).columns()) if (!c.equals("step")) cols.add(FINAL + c);
        return cols;
    }

    /** Rows keyed by {@link #columns} (null where a value does not apply). */
    static List<Map<String, Object>> rows(SweepReport r) {
        List<String> cols = columns(r);
        List<Map<String, Object>> out = new ArrayList<>();
        for (SweepReport.Member m : r.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", m.index());
            for (SweepReport.Axis a : r.axes()) row.put(a.field(), m.fields().get(a.field()));
            row.put("seed", m.seed());
            row.put("run_id", m.runId());
            row.put("status", m.status());
            row.put("outcome", m.classification().outcome().json());
            row.put("fit_step", m.classification().fitStep());
            row.put("transition_step", m.classification().transitionStep());
            row.put("delay", m.classification().delay());
            for (String c : cols)
                if (c.startsWith(FINAL)) row.put(c, finite(m.finals().get(c.substring(FINAL.length()))));
            out.add(row);
        }
        return out;
    }

    /** The rows as CSV, header first; empty cells where a value does not apply. */
    static String csv(SweepReport r) {
        List<String> cols = columns(r);
        StringBuilder b = new StringBuilder(String.join(",", cols)).append('\n');
        for (Map<String, Object> row : rows(r)) {
            for (int c = 0; c < cols.size(); c++) {
                Object v = row.get(cols.get(c));
                b.append(c > 0 ? "," : "")
                        .append(v == null ? "" : v instanceof Double d ? MetricTable.format(d) : v.toString());
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
