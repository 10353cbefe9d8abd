package lab.grokking.web.sweep;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.core.task.OutcomeMetric;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepReport.Axis;
import lab.grokking.server.sweeps.SweepReport.Member;

/**
 * A sweep's phase diagram: the grid over two of its axes (one row for a one-axis sweep), every other axis held at a
 * chosen value, each cell the members there (its seeds) with their majority outcome and how many agree. A tie goes to
 * the outcome declared first in {@link Outcome}.
 */
public final class PhaseDiagram {
    private PhaseDiagram() {}

    public record Cell(int row, int col, List<Member> members, Outcome majority, Map<Outcome, Integer> counts) {
        /** The seeds disagree. */
        public boolean mixed() {
            return counts.size() > 1;
        }

        /** "2/3 grokked": how many of the cell's members have its majority outcome. */
        public String spread() {
            return counts.getOrDefault(majority, 0) + "/" + members.size() + " " + majority.label();
        }

        /** The run of a one-member cell, the seeds side by side (with their mean ± std band) otherwise. */
        public String href() {
            List<String> ids =
                    members.stream().map(Member::runId).filter(id -> id != null).toList();
            if (ids.isEmpty()) return "";
            return ids.size() == 1 ? "run/" + ids.get(0) : "compare?runs=" + String.join(",", ids);
        }
    }

    /** {@code y}: null for a one-axis sweep; {@code fixed}: the value of each other axis. */
    public record Grid(Axis x, Axis y, Map<String, Double> fixed, List<Cell> cells) {}

    public static Outcome outcome(Member m) {
        return m.classification() == null
                ? Outcome.NOT_FINISHED
                : m.classification().outcome();
    }

    /**
     * The grid over {@code xField} × {@code yField} (null: no rows) of {@code r}'s members whose other axes have the
     * values in {@code fixed} (an axis missing there is held at its first value).
     */
    public static Grid of(SweepReport r, String xField, String yField, Map<String, Double> fixed) {
        Axis x = axis(r, xField), y = yField == null ? null : axis(r, yField);
        Map<String, Double> held = new LinkedHashMap<>();
        for (Axis a : r.axes())
            if (a != x && a != y)
                held.put(a.field(), fixed.getOrDefault(a.field(), a.values().get(0)));
        List<Cell> cells = new ArrayList<>();
        int rows = y == null ? 1 : y.values().size();
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < x.values().size(); col++) {
                List<Member> in = new ArrayList<>();
                for (Member m : r.members())
                    if (at(m, x.field(), x.values().get(col))
                            && (y == null || at(m, y.field(), y.values().get(row)))
                            && held.entrySet().stream().allMatch(e -> at(m, e.getKey(), e.getValue()))) in.add(m);
                if (in.isEmpty()) continue;
                Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
                for (Member m : in) counts.merge(outcome(m), 1, Integer::sum);
                Outcome majority = null;
                for (var e : counts.entrySet()) // EnumMap: declaration order, so ties go to the first
                if (majority == null || e.getValue() > counts.get(majority)) majority = e.getKey();
                cells.add(new Cell(row, col, List.copyOf(in), majority, counts));
            }
        return new Grid(x, y, held, cells);
    }

    /** The grok-phase element's document (see grok-phase.js). */
    public static Map<String, Object> document(Grid g, OutcomeMetric metric) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("x", axisDoc(g.x()));
        d.put("y", g.y() == null ? null : axisDoc(g.y()));
        List<Map<String, Object>> cells = new ArrayList<>();
        for (Cell c : g.cells()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", c.row());
            m.put("col", c.col());
            m.put("outcome", c.majority().json());
            m.put("colour", OutcomeColours.of(c.majority()));
            m.put("spread", c.spread());
            m.put("mixed", c.mixed());
            m.put(
                    "stripes",
                    c.members().stream().map(x -> OutcomeColours.of(outcome(x))).toList());
            m.put(
                    "members",
                    c.members().stream()
                            .filter(x -> x.runId() != null)
                            .map(x -> Map.of("run", x.runId(), "colour", OutcomeColours.of(outcome(x))))
                            .toList());
            m.put(
                    "runs",
                    c.members().stream()
                            .map(Member::runId)
                            .filter(id -> id != null)
                            .toList());
            m.put("href", c.href());
            m.put("title", title(g, c));
            cells.add(m);
        }
        d.put("cells", cells);
        d.put("legend", OutcomeColours.legend());
        d.put(
                "metric",
                Map.of(
                        "train", metric.trainColumn(),
                        "test", metric.testColumn(),
                        "level", metric.level(),
                        "higherIsBetter", metric.higherIsBetter()));
        d.put("base", "/api");
        return d;
    }

    /** "α = 10, λ = 0.001: 2/3 grokked (1 memorised)", the cell's accessible name and the hover's heading. */
    static String title(Grid g, Cell c) {
        StringBuilder b = new StringBuilder(SweepText.symbol(g.x().field()) + " = "
                + SweepText.number(g.x().values().get(c.col())));
        if (g.y() != null)
            b.append(", ")
                    .append(SweepText.symbol(g.y().field()))
                    .append(" = ")
                    .append(SweepText.number(g.y().values().get(c.row())));
        b.append(": ").append(c.spread());
        List<String> others = new ArrayList<>();
        for (var e : c.counts().entrySet())
            if (e.getKey() != c.majority())
                others.add(e.getValue() + " " + e.getKey().label());
        if (!others.isEmpty()) b.append(" (").append(String.join(", ", others)).append(')');
        return b.toString();
    }

    private static Map<String, Object> axisDoc(Axis a) {
        return Map.of(
                "field", a.field(),
                "label", SweepText.symbol(a.field()),
                "values", a.values().stream().map(SweepText::number).toList());
    }

    private static Axis axis(SweepReport r, String field) {
        return r.axes().stream()
                .filter(a -> a.field().equals(field))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the sweep has no axis " + field));
    }

    private static boolean at(Member m, String field, double value) {
        Double v = m.fields().get(field);
        return v != null && Double.compare(v, value) == 0;
    }
}
