package lab.grokking.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metric series of one run: named columns, one row per evaluation, all in double precision.
 * NaN marks a value that is undefined at that point (e.g. a margin of w = 0 at step 0).
 */
public final class MetricTable {
    /**
     * A metric value as text: integers without a fraction, other doubles in shortest round-trip form (equal text
     * means bit-identical values); NaN and ±∞ (undefined margins, no transition without weight decay) as "".
     */
    public static String format(double v) {
        if (!Double.isFinite(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** A row as one CSV line (with its newline), every value {@link #format}ted. */
    public static String csvLine(double[] row) {
        StringBuilder b = new StringBuilder(row.length * 12);
        for (int c = 0; c < row.length; c++) b.append(c > 0 ? "," : "").append(format(row[c]));
        return b.append('\n').toString();
    }

    private final List<String> columns;
    private final List<double[]> rows = new ArrayList<>();

    public MetricTable(List<String> columns) {
        if (columns.isEmpty() || !columns.get(0).equals("step"))
            throw new IllegalArgumentException("first column must be 'step'");
        if (columns.stream().distinct().count() != columns.size())
            throw new IllegalArgumentException("duplicate column names: " + columns);
        this.columns = List.copyOf(columns);
    }

    public List<String> columns() {
        return columns;
    }

    public int columnIndex(String name) {
        int i = columns.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column '" + name + "' in " + columns);
        return i;
    }

    public synchronized void add(double[] row) {
        if (row.length != columns.size())
            throw new IllegalArgumentException("row has " + row.length + " values, expected " + columns.size());
        if (!rows.isEmpty() && row[0] <= rows.get(rows.size() - 1)[0])
            throw new IllegalArgumentException("steps must increase: " + row[0]);
        rows.add(row.clone());
    }

    public synchronized List<double[]> rows() {
        return Collections.unmodifiableList(new ArrayList<>(rows));
    }

    public synchronized int size() {
        return rows.size();
    }

    /** A copy of one column. */
    public synchronized double[] column(String name) {
        int c = columnIndex(name);
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) out[i] = rows.get(i)[c];
        return out;
    }

    /** The last row by column name, null for undefined values (NaN, ±∞); empty before the first row. */
    public synchronized Map<String, Object> lastRow() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (rows.isEmpty()) return m;
        double[] last = rows.get(rows.size() - 1);
        for (int c = 0; c < last.length; c++) m.put(columns.get(c), Double.isFinite(last[c]) ? last[c] : null);
        return m;
    }

    /** Value of a column at the last evaluated step ≤ step (NaN when none). */
    public synchronized double at(String name, long step) {
        int c = columnIndex(name);
        double v = Double.NaN;
        for (double[] r : rows) {
            if (r[0] > step) break;
            v = r[c];
        }
        return v;
    }
}
