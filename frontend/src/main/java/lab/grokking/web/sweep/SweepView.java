package lab.grokking.web.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepReport.Axis;
import lab.grokking.server.sweeps.SweepService;
import lab.grokking.web.Services;
import lab.grokking.web.run.RunView;
import lab.grokking.web.shared.GrokPlot;
import lab.grokking.web.shared.Submit;

/**
 * A sweep, live: progress and outcome counts, its phase diagram (any two axes), the law view, every member with a
 * link to its run, exports. The URL is the share link: anyone with it reads; only its creator cancels. The page polls
 * the sweep's report while members run.
 */
@Route("sweep/:id")
public class SweepView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    /** How often the page re-reads the report while members run. */
    static final int POLL_MILLIS = 1500;

    private final SweepService sweeps = Services.current().sweeps();
    private final RunService runs = Services.current().runs();
    private final Map<String, JsonNode> configs = new HashMap<>(); // run id → config: a run's config never changes
    private String id, title = "Sweep";
    private TaskSpec<?> spec;
    private final Span progressText = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final GrokPlot.Phase phase = new GrokPlot.Phase();
    private final GrokPlot.Law law = new GrokPlot.Law();
    private final Paragraph lawFit = new Paragraph();
    private final MembersTable table = new MembersTable();
    private final Div selectors = new Div();
    private final Button cancel = new Button("Cancel sweep");
    private String xField, yField;
    private final Map<String, Double> fixed = new LinkedHashMap<>();
    private Registration poll;

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        if (poll != null) stopPolling();
        spec = null;
        id = e.getRouteParameters().get("id").orElse("");
        Optional<SweepReport> r = sweeps.report(id);
        if (r.isEmpty()) {
            title = "No such sweep";
            add(
                    new H2("No such sweep"),
                    new Paragraph("This link names no sweep on this server."),
                    new Anchor("", "All experiments"));
            return;
        }
        build(r.get());
    }

    @Override
    public String getPageTitle() {
        return title + " · Grokking Lab";
    }

    private void build(SweepReport r) {
        spec = TaskSpecs.get(r.task());
        title = r.title() == null || r.title().isBlank() ? "Sweep " + r.id() : r.title();
        H2 h = new H2(title);
        h.setId("sweep-title");
        add(new Anchor("", "← All experiments"), h);

        progressText.setId("sweep-progress");
        progressText.getElement().setAttribute("aria-live", "polite");
        progress.setWidth("20em");
        progress.getElement().setAttribute("aria-label", "Members ended");
        cancel.setId("sweep-cancel");
        cancel.addClickListener(ev -> {
            try {
                sweeps.cancel(id, Submit.client());
            } catch (
                    SweepService.NotCreatorException
                            notYours) { // the button is the creator's only; a race with a new address
                cancel.setVisible(false);
            }
            cancel.setEnabled(false);
            refresh();
        });
        // a share link's viewer reads; only the creator (whose sweeps list holds it) cancels
        cancel.setVisible(sweeps.list(Submit.client()).stream().anyMatch(s -> s.id().equals(id)));
        Anchor csv = export("csv"), json = export("json");
        HorizontalLayout top = new HorizontalLayout(progressText, progress, cancel, csv, json);
        top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        top.setWrap(true);
        add(top);

        List<Axis> axes = r.axes();
        selectors.removeAll(); // the view is reused when one sweep's page links to another's
        fixed.clear();
        xField = axes.get(0).field();
        yField = axes.size() > 1 ? axes.get(1).field() : null;
        add(new H3("Phase diagram"));
        selectors.setId("phase-axes");
        if (axes.size() > 2) buildSelectors(axes);
        phase.setId("phase");
        add(selectors, phase);

        add(new H3("Law: the switch at ln(α)/(λη)"));
        lawFit.setId("law-fit");
        law.setId("law");
        add(lawFit, law);

        add(new H3("Members"));
        table.setId("members");
        add(table);
        show(r);
        if (!r.done()) getUI().ifPresent(this::startPolling); // reused view: onAttach has run already
    }

    private Anchor export(String format) {
        Anchor a = new Anchor("/api/sweeps/" + id + "/export." + format, "Export " + format.toUpperCase());
        a.setRouterIgnore(true);
        a.setId("export-" + format);
        a.getElement().setAttribute("download", "");
        return a;
    }

    /** Which two axes span the diagram, and the value every other axis is held at. */
    private void buildSelectors(List<Axis> axes) {
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
                    refresh();
                });
                held.add(s);
            }
        };
        x.addValueChangeListener(ev -> {
            if (ev.getValue().equals(yField)) y.setValue(ev.getOldValue()); // swap rather than show one axis twice
            xField = ev.getValue();
            others.run();
            refresh();
        });
        y.addValueChangeListener(ev -> {
            if (ev.getValue().equals(xField)) x.setValue(ev.getOldValue());
            yField = ev.getValue();
            others.run();
            refresh();
        });
        others.run();
        selectors.add(new HorizontalLayout(x, y), held);
    }

    private void refresh() {
        sweeps.report(id).ifPresent(this::show);
    }

    private void show(SweepReport r) {
        int ended = (int)
                r.members().stream().filter(m -> SweepService.ended(m.status())).count();
        progressText.setText(SweepText.progress(ended, r.members().size(), r.counts()));
        progress.setValue(
                r.members().isEmpty() ? 1 : ended / (double) r.members().size());
        cancel.setEnabled(!r.done());
        phase.show(RunView.json(PhaseDiagram.document(PhaseDiagram.of(r, xField, yField, fixed), spec.outcome())));
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
        law.show(RunView.json(LawPlot.document(LawPoints.of(r, this::config), r.law())));
        table.show(r, spec);
        if (r.done() && poll != null) stopPolling();
    }

    private JsonNode config(String runId) {
        return configs.computeIfAbsent(
                runId, k -> runs.get(k).map(s -> RunView.readConfig(s.config())).orElse(null));
    }

    @Override
    protected void onAttach(AttachEvent e) {
        super.onAttach(e);
        if (spec != null) startPolling(e.getUI()); // else no such sweep
    }

    private void startPolling(UI ui) {
        if (poll != null) return;
        ui.setPollInterval(POLL_MILLIS);
        poll = ui.addPollListener(ev -> refresh());
    }

    @Override
    protected void onDetach(DetachEvent e) {
        if (poll != null) stopPolling();
        super.onDetach(e);
    }

    private void stopPolling() {
        poll.remove();
        poll = null;
        getUI().ifPresent(ui -> ui.setPollInterval(-1));
    }
}
