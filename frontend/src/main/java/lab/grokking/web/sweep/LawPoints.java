package lab.grokking.web.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepReport.Member;

/**
 * The law view's points of a sweep: every member with a transition step, its α, λ and η from its axis values or,
 * for a field the sweep does not vary, from its run's config.
 */
final class LawPoints {
    private LawPoints() {}

    /** {@code config}: a run's config by its id (null when the run is gone). */
    static List<LawPlot.Point> of(SweepReport r, Function<String, JsonNode> config) {
        List<LawPlot.Point> out = new ArrayList<>();
        for (Member m : r.members()) {
            if (m.classification() == null || m.classification().transitionStep() == null || m.runId() == null)
                continue;
            JsonNode c = config.apply(m.runId());
            if (c == null) continue;
            out.add(new LawPlot.Point(
                    value(m, c, "alpha"),
                    value(m, c, "weightDecay"),
                    value(m, c, "lr"),
                    m.classification().transitionStep(),
                    PhaseDiagram.outcome(m)));
        }
        return out;
    }

    private static double value(Member m, JsonNode config, String field) {
        Double v = m.fields().get(field);
        return v != null ? v : config.path(field).asDouble(Double.NaN);
    }
}
