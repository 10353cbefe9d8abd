package lab.grokking.web.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.Chart;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.runs.LiveRun;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoredRun;
import lab.grokking.web.Services;
import lab.grokking.web.classroom.LabContext;
import lab.grokking.web.shared.GrokCharts;
import lab.grokking.web.shared.Submit;

/**
 * One run, live: charts streamed from the API's WebSocket, progress and ETA, cancel, axis controls, the step
 * scrubber driving the predictor panel, a share link restoring this view state, and exports.
 */
@Route("run/:id")
public class RunView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    private final RunService runs = Services.current().runs();
    private String id, title = "Run";
    private Lab lab; // the lab the run was opened from (?lab=), or null
    private TaskSpec<?> spec;
    private ViewState state = ViewState.DEFAULT;
    private final Span status = new Span(), eta = new Span(), finalMetric = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final TextField shareUrl = new TextField("Link to this view");

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        id = e.getRouteParameters().get("id").orElse("");
        state = ViewState.parse(e.getLocation().getQueryParameters().getParameters());
        lab = e.getLocation()
                .getQueryParameters()
                .getSingleParameter("lab")
                .flatMap(Services.current().server().labs()::get)
                .orElse(null);
        Optional<StoredRun> r = runs.get(id);
        if (r.isEmpty()) {
            title = "No such run";
            add(
                    new H2("No such run"),
                    new Paragraph("This link names no run on this server: it may have been removed."),
                    new Anchor("", "All experiments"));
            return;
        }
        build(r.get());
    }

    @Override
    public String getPageTitle() {
        return title + " · Grokking Lab";
    }

    private void build(StoredRun r) {
        JsonNode config = readConfig(r.config());
        spec = TaskSpecs.get(r.task());
        title = RunTitles.of(r.task(), config);
        // opened from a lab: its title, instructions and a way back stay in view
        add(lab != null ? new LabContext(lab) : new Anchor("", "← All experiments"), new H2(title));
        Paragraph prov = new Paragraph("run " + r.id() + " · config "
                + r.configKey().substring(0, 12) + " · seed " + r.seed() + " · code " + r.codeVersion());
        prov.addClassName("provenance");
        prov.setId("provenance");
        add(prov);

        status.setId("status");
        status.addClassName("status-badge");
        status.getElement().setAttribute("aria-live", "polite");
        progress.setId("progress");
        progress.getElement().setAttribute("aria-label", "Training progress");
        progress.setWidth("20em");
        eta.setId("eta");
        Button cancel = new Button("Cancel run", ev -> {
            runs.cancel(id, Submit.client());
            ev.getSource().setEnabled(false);
        });
        cancel.setId("cancel");
        cancel.setVisible(r.client().equals(Submit.client())); // a share link's viewer reads; only its creator cancels
        finalMetric.setId("final-metric");
        HorizontalLayout top = new HorizontalLayout(status, progress, eta, cancel, finalMetric);
        top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        top.setWrap(true);
        add(top);

        GrokCharts charts = new GrokCharts();
        charts.setId("charts");
        PredictorPanel panel = new PredictorPanel(runs, id, r.task());
        AxisControls axes = new AxisControls(state, change -> {
            state = change.apply(state);
            charts.setAxes(state.x(), state.xlog());
            updateUrl();
        });
        charts.onScrub(step -> {
            state = state.withStep(step);
            panel.show(step);
            updateUrl();
        });
        charts.onProgress(p -> showProgress(p.step(), p.steps(), p.etaSeconds()));
        charts.onStatus(st -> {
            showStatus(st);
            if (!st.equals("QUEUED") && !st.equals("RUNNING") && !st.equals("PAUSED")) {
                cancel.setEnabled(false);
                panel.show(state.step());
            }
        });
        CheckboxGroup<String> panels = new CheckboxGroup<>("Panels");
        panels.setId("panels");
        Map<String, String> titles = new LinkedHashMap<>();
        for (Chart c : ChartSpecs.charts(r.task()))
            titles.put(c.key(), c.title().replaceAll(" \\([^()]*\\)$", "")); // a trailing aside only
        titles.put(ViewState.PREDICTORS, "Early and late predictors");
        panels.setItems(titles.keySet());
        panels.setItemLabelGenerator(titles::get);
        panels.setValue(titles.keySet().stream()
                .filter(k -> !state.hidden().contains(k))
                .collect(Collectors.toSet()));
        List<ChartSpecs.Run> chartRuns = List.of(new ChartSpecs.Run(r.id(), "this run"));
        panels.addValueChangeListener(ev -> {
            if (!ev.isFromClient()) return;
            state = state.withHidden(titles.keySet().stream()
                    .filter(k -> !ev.getValue().contains(k))
                    .collect(Collectors.toSet()));
            charts.configure(json(ChartSpecs.document(r.task(), chartRuns, List.of(config), state)));
            panel.setVisible(!state.hidden().contains(ViewState.PREDICTORS));
            updateUrl();
        });
        add(axes, panels, charts);
        charts.configure(json(ChartSpecs.document(r.task(), chartRuns, List.of(config), state)));
        add(panel);
        panel.setVisible(!state.hidden().contains(ViewState.PREDICTORS));
        panel.show(state.step());

        shareUrl.setId("share-url");
        shareUrl.setReadOnly(true);
        shareUrl.setWidth("40em");
        Button copy = new Button(
                "Copy link",
                ev -> UI.getCurrent()
                        .getPage()
                        .executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", shareUrl.getValue()));
        copy.setId("copy-link");
        HorizontalLayout share = new HorizontalLayout(shareUrl, copy);
        share.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        share.setWrap(true); // a phone: the button under the link, and the link as wide as the screen
        share.setMaxWidth("100%");
        Anchor csv = new Anchor("/api/runs/" + id + "/metrics?format=csv", "Metrics CSV");
        Anchor js = new Anchor("/api/runs/" + id + "/metrics?format=json", "Metrics JSON");
        Anchor cfg = new Anchor("/api/runs/" + id + "/config", "Config to re-run (JSON)");
        for (Anchor a : List.of(csv, js, cfg)) a.getElement().setAttribute("download", true);
        csv.setId("export-csv");
        cfg.setId("export-config");
        HorizontalLayout exports = new HorizontalLayout(csv, js, cfg);
        exports.setWrap(true);
        add(new H3("Share and export"), share, exports, new Paragraph("Each chart has its own PNG button."));

        LiveRun live = runs.reads().live(id).orElseThrow();
        showProgress(live.progressStep(), live.steps(), live.etaSeconds() == null ? Double.NaN : live.etaSeconds());
        showStatus(live.status().name()); // after the progress line: a queued run's says when it starts
        if (live.status().isFinal()) cancel.setEnabled(false);
        updateUrl();
    }

    private void showStatus(String st) {
        status.setText(st);
        String queued = QueueText.of(runs, id);
        if (queued != null) eta.setText(queued);
        LiveRun live = runs.reads().live(id).orElse(null);
        if (live != null && live.status().isFinal()) {
            finalMetric.setText(FinalMetric.describe(spec, live.columns(), live.rows()));
            progress.setValue(live.status() == StoredRun.Status.FINISHED ? 1 : progress.getValue());
            eta.setText("");
        }
    }

    private void showProgress(long step, long steps, double etaSeconds) {
        progress.setValue(steps > 0 ? Math.min(1, (double) step / steps) : 0);
        eta.setText("step " + step + " / " + steps
                + (Double.isFinite(etaSeconds) ? " · about " + Durations.human(etaSeconds) + " left" : ""));
    }

    private void updateUrl() {
        String path = "run/" + id + "?" + state.query() + (lab == null ? "" : "&lab=" + lab.id());
        UI.getCurrent().getPage().getHistory().replaceState(null, path);
        UI.getCurrent()
                .getPage()
                .executeJs("return new URL($0, document.baseURI).href", path)
                .then(String.class, shareUrl::setValue);
    }

    public static JsonNode readConfig(String json) {
        try {
            return Configs.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored config is not JSON", e);
        }
    }

    public static String json(Object doc) {
        try {
            return Configs.JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
