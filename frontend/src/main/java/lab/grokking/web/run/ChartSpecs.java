package lab.grokking.web.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.task.Chart;
import lab.grokking.core.task.TaskSpecs;

/**
 * Which charts a task shows (its spec's) and where the theory puts the transition: the document the grok-charts
 * element is configured with. Plain data, so the chart choice is tested without a browser.
 */
public final class ChartSpecs {
    private ChartSpecs() {}

    public record Run(String id, String label) {}

    /** The charts of a task, metrics first, then the predictor curves: the task's spec declares them. */
    public static List<Chart> charts(String task) {
        return TaskSpecs.get(task).charts();
    }

    /**
     * The theorem's transition ln(α)/(λη) as a step and as continuous time ln(α)/λ; none without weight decay or
     * with α ≤ 1 (no kernel phase to leave).
     */
    public static List<Map<String, Object>> markers(JsonNode config) {
        double alpha = config.path("alpha").asDouble(1),
                wd = config.path("weightDecay").asDouble(0),
                lr = config.path("lr").asDouble(0);
        List<Map<String, Object>> m = new ArrayList<>();
        if (alpha > 1 && wd > 0 && lr > 0) {
            double t = Math.log(alpha) / wd;
            m.add(Map.of("step", t / lr, "time", t, "label", "ln(α)/(λη)"));
        }
        return m;
    }

    /** The configure() document for the grok-charts element: runs of one task with their configs (for the markers). */
    public static Map<String, Object> document(String task, List<Run> runs, List<JsonNode> configs, ViewState state) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runs", runs);
        d.put(
                "charts",
                charts(task).stream()
                        .filter(c -> !state.hidden().contains(c.key()))
                        .toList());
        d.put("x", state.x());
        d.put("xlog", state.xlog());
        List<Map<String, Object>> markers = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++)
            for (Map<String, Object> m : markers(configs.get(i))) {
                Map<String, Object> labelled = new LinkedHashMap<>(m);
                if (configs.size() > 1)
                    labelled.put("label", m.get("label") + " · " + runs.get(i).label());
                markers.add(labelled);
            }
        d.put("markers", markers);
        d.put("cursor", state.step());
        d.put("base", "/api");
        return d;
    }
}
