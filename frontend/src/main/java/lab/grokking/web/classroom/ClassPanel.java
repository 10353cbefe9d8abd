package lab.grokking.web.classroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.labs.ClassResults;
import lab.grokking.server.labs.LabRun;
import lab.grokking.server.runs.RunService;
import lab.grokking.web.run.ChartSpecs;
import lab.grokking.web.run.RunView;
import lab.grokking.web.run.ViewState;
import lab.grokking.web.shared.GrokCharts;
import lab.grokking.web.sweep.SweepPanels;
import lab.grokking.web.sweep.SweepText;

/**
 * A class's results: every submission, the class's runs' curves overlaid, and the class as one sweep (its phase
 * diagram and law view, the sweep page's own). The teacher's page passes a {@link ClassTable.Hide}; the students'
 * shared view is read-only.
 */
final class ClassPanel extends Div {
    private final RunService runs;
    private final String task;
    private final Paragraph count = new Paragraph();
    private final ClassTable table;
    private final GrokCharts curves = new GrokCharts();
    private final SweepPanels sweep;
    private final Map<String, JsonNode> configs = new HashMap<>(); // run id → config: a run's config never changes
    private List<ChartSpecs.Run> drawn = List.of();

    ClassPanel(RunService runs, String labId, String task, ClassTable.Hide hide) {
        this.runs = runs;
        this.task = task;
        setWidthFull();
        table = new ClassTable(labId, hide);
        sweep = new SweepPanels(runs, "class-");
        count.setId("class-count");
        count.getElement().setAttribute("aria-live", "polite");
        table.setId("class-runs");
        curves.setId("class-curves");
        add(new H3("The class's runs"), count, table, new H3("The class's curves"), curves, sweep);
    }

    void show(ClassResults r) {
        long students = r.runs().stream()
                .map(x -> x.client() != null ? x.client() : x.name())
                .distinct()
                .count();
        long distinct = r.runs().stream().map(LabRun::runId).distinct().count();
        count.setText(r.runs().size() + (r.runs().size() == 1 ? " submission" : " submissions")
                + (r.runs().stream().allMatch(x -> x.client() != null) ? " by " + students + " students" : "")
                + ", " + distinct + (distinct == 1 ? " distinct run" : " distinct runs")
                + (r.varied().isEmpty()
                        ? ""
                        : " · varied: "
                                + String.join(
                                        ", ",
                                        r.varied().stream()
                                                .map(SweepText::symbol)
                                                .toList())));
        count.getElement().setAttribute("data-runs", Integer.toString(r.runs().size()));
        table.show(r.runs(), TaskSpecs.get(task).headlineMetric());
        List<ChartSpecs.Run> now = ClassCurves.of(r.runs());
        if (!now.equals(drawn)) { // reconfigured only when the set of runs changed: the charts stream their own points
            drawn = now;
            curves.configure(RunView.json(ChartSpecs.document(
                    task, now, now.stream().map(x -> config(x.id())).toList(), ViewState.DEFAULT)));
        }
        sweep.setVisible(r.asSweep() != null);
        if (r.asSweep() != null) sweep.show(r.asSweep());
    }

    private JsonNode config(String runId) {
        return configs.computeIfAbsent(
                runId,
                k -> runs.get(k).map(s -> RunView.readConfig(s.config())).orElseGet(Configs.JSON::createObjectNode));
    }
}
