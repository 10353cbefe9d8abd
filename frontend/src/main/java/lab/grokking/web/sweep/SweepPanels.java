package lab.grokking.web.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepReport.Axis;
import lab.grokking.web.run.RunView;
import lab.grokking.web.shared.GrokPlot;

/**
 * A sweep's two pictures: its phase diagram (any two axes, the others held at a chosen value) and the law view with
 * its fit. Shared by the sweep page and a classroom lab's class view, whose axes grow as students vary more fields:
 * the axis choice is rebuilt whenever the axes change, and a report without axes shows a line saying so.
 */
public final class SweepPanels extends Div {
    private final RunService runs;
    private final Map<String, JsonNode> configs = new HashMap<>(); // run id → config: a run's config never changes
    private final GrokPlot.Phase phase = new GrokPlot.Phase();
    private final GrokPlot.Law law = new GrokPlot.Law();
    private final Paragraph lawFit = new Paragraph();
    private final Paragraph noAxes = new Paragraph("No field varies yet: the phase diagram needs runs that differ.");
    private final Div selectors = new Div();
    private final Map<String, Double> fixed = new LinkedHashMap<>();
    private List<Axis> axes = List.of();
    private String xField, yField;
    private SweepReport last;

    /** {@code idPrefix}: "" on the sweep page (ids phase, law, law-fit), e.g. "class-" where a page shows two. */
    public SweepPanels(RunService runs, String idPrefix) {
        this.runs = runs;
        setWidthFull();
        selectors.setId(idPrefix + "phase-axes");
        phase.setId(idPrefix + "phase");
        lawFit.setId(idPrefix + "law-fit");
        law.setId(idPrefix + "law");
        noAxes.setVisible(false);
        add(new H3("Phase diagram"), noAxes, selectors, phase, new H3("Law: the switch at ln(α)/(λη)"), lawFit, law);
    }

    public void show(SweepReport r) {
        last = r;
        if (!r.axes().equals(axes)) chooseAxes(r.axes());
        noAxes.setVisible(axes.isEmpty());
        phase.setVisible(!axes.isEmpty());
        if (!axes.isEmpty())
            phase.show(RunView.json(PhaseDiagram.document(
                    PhaseDiagram.of(r, xField, yField, fixed),
                    TaskSpecs.get(r.task()).outcome())));
        lawFit.setText(SweepText.law(r.law()));
        if (r.law() != null) {
            lawFit.getElement()
                    .setAttribute("data-slope", Double.toString(r.law().slope()));
            lawFit.getElement()
                    .setAttribute("data-intercept", Double.toString(r.law().intercept()));
            lawFit.getElement().setAttribute("data-r2", Double.toString(r.law().r2()));
            lawFit.getElement()
                    .setAttribute("data-points", Integer.toString(r.law().points()));
        }
        List<LawPlot.Point> points = LawPoints.of(r, this::config);
        lawFit.getElement().setAttribute("data-shown", Long.toString(LawPlot.plottable(points)));
        law.show(RunView.json(LawPlot.document(points, r.law())));
    }

    /** The diagram's axes: the first two unless the viewer chose others that still exist; a held value kept if it still exists. */
    private void chooseAxes(List<Axis> now) {
        axes = now;
        String[] xy = keep(now.stream().map(Axis::field).toList(), xField, yField);
        xField = xy[0];
        yField = xy[1];
        fixed.entrySet()
                .removeIf(e -> now.stream()
                        .noneMatch(
                                a -> a.field().equals(e.getKey()) && a.values().contains(e.getValue())));
        selectors.removeAll();
        if (now.size() > 2) buildSelectors();
    }

    /**
     * The diagram's columns and rows among {@code fields}: the viewer's {@code x} and {@code y} where they still exist,
     * else the first fields not taken; null where there are too few fields (no rows for one field).
     */
    static String[] keep(List<String> fields, String x, String y) {
        String nx = x != null && fields.contains(x)
                ? x
                : fields.stream().filter(f -> !f.equals(y)).findFirst().orElse(null);
        String ny = y != null && fields.contains(y) && !y.equals(nx)
                ? y
                : fields.stream().filter(f -> !f.equals(nx)).findFirst().orElse(null);
        return new String[] {nx, ny};
    }

    /** Which two axes span the diagram, and the value every other axis is held at. */
    private void buildSelectors() {
        List<String> fields = axes.stream().map(Axis::field).toList();
        Select<String> x = new Select<>(), y = new Select<>();
        x.setLabel("Columns");
        y.setLabel("Rows");
        x.setItems(fields);
        y.setItems(fields);
        x.setItemLabelGenerator(SweepText::symbol);
        y.setItemLabelGenerator(SweepText::symbol);
        x.setValue(xField);
        y.setValue(yField);
        Div held = new Div();
        Runnable others = () -> {
            held.removeAll();
            for (Axis a : axes) {
                if (a.field().equals(xField) || a.field().equals(yField)) continue;
                Select<Double> s = new Select<>();
                s.setLabel(SweepText.symbol(a.field()) + " held at");
                s.setItems(a.values());
                s.setItemLabelGenerator(SweepText::number);
                s.setValue(fixed.getOrDefault(a.field(), a.values().get(0)));
                s.addValueChangeListener(ev -> {
                    fixed.put(a.field(), ev.getValue());
                    redraw();
                });
                held.add(s);
            }
        };
        x.addValueChangeListener(ev -> {
            if (ev.getValue().equals(yField)) y.setValue(ev.getOldValue()); // swap rather than show one axis twice
            xField = ev.getValue();
            others.run();
            redraw();
        });
        y.addValueChangeListener(ev -> {
            if (ev.getValue().equals(xField)) x.setValue(ev.getOldValue());
            yField = ev.getValue();
            others.run();
            redraw();
        });
        others.run();
        selectors.add(new HorizontalLayout(x, y), held);
    }

    private void redraw() {
        if (last != null) show(last);
    }

    private JsonNode config(String runId) {
        return configs.computeIfAbsent(
                runId, k -> runs.get(k).map(s -> RunView.readConfig(s.config())).orElse(null));
    }
}
