package lab.grokking.web.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoredRun;
import lab.grokking.web.Services;
import lab.grokking.web.run.AxisControls;
import lab.grokking.web.run.ChartSpecs;
import lab.grokking.web.run.RunView;
import lab.grokking.web.run.ViewState;
import lab.grokking.web.shared.GrokCharts;
import lab.grokking.web.shared.GrokPlot;
import lab.grokking.web.shared.Submit;

/**
 * Several runs of one task overlaid, labelled by the parameter that differs: a paper series (Fig. 2b over α,
 * Fig. 2c over λ) with one click, or any runs by id. The URL (?runs=…&x=…&xlog=…) is the share link. A series link
 * (?series=…&scale=…) only offers to run the series: opening a URL never starts runs, since any site can make a
 * browser open one.
 */
@Route("compare")
@PageTitle("Compare · Grokking Lab")
public class CompareView extends VerticalLayout implements BeforeEnterObserver {
    private final RunService runs = Services.current().runs();

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        var q = e.getLocation().getQueryParameters();
        add(new Anchor("", "← All experiments"), new H2("Compare runs"));
        Optional<String> series = q.getSingleParameter("series");
        if (series.isPresent()) {
            offerSeries(series.get(), q.getSingleParameter("scale").orElse("classroom"));
            return;
        }
        List<String> ids =
                q.getSingleParameter("runs").map(s -> List.of(s.split(","))).orElse(List.of());
        add(picker(ids));
        if (ids.isEmpty()) return;
        List<StoredRun> found = new ArrayList<>();
        for (String id : ids) runs.get(id.strip()).ifPresent(found::add);
        if (found.size() != ids.size()) {
            add(new Paragraph("Some of these runs do not exist on this server: " + (ids.size() - found.size()) + " of "
                    + ids.size() + " not found."));
            if (found.isEmpty()) return;
        }
        String task = found.get(0).task();
        if (found.stream().anyMatch(r -> !r.task().equals(task))) {
            add(new Paragraph("Runs of different tasks cannot share charts: pick runs of one task."));
            return;
        }
        List<JsonNode> configs =
                found.stream().map(r -> RunView.readConfig(r.config())).toList();
        List<String> labels = Legends.labels(configs);
        List<ChartSpecs.Run> chartRuns = new ArrayList<>();
        for (int i = 0; i < found.size(); i++)
            chartRuns.add(new ChartSpecs.Run(found.get(i).id(), labels.get(i)));
        ViewState[] state = {ViewState.parse(q.getParameters())};
        GrokCharts charts = new GrokCharts();
        charts.setId("charts");
        String runsParam = String.join(",", found.stream().map(StoredRun::id).toList());
        Runnable url = () -> UI.getCurrent()
                .getPage()
                .getHistory()
                .replaceState(null, "compare?runs=" + runsParam + "&" + state[0].query());
        add(
                new AxisControls(state[0], change -> {
                    state[0] = change.apply(state[0]);
                    charts.setAxes(state[0].x(), state[0].xlog());
                    url.run();
                }),
                charts);
        for (int i = 0; i < found.size(); i++)
            add(new Anchor("run/" + found.get(i).id(), "Open " + labels.get(i)));
        charts.configure(RunView.json(ChartSpecs.document(task, chartRuns, configs, state[0])));
        url.run();
        if (Legends.onlySeedsDiffer(configs)) addBands(task, found);
    }

    /** Runs that differ only in their seed: the mean of each curve with its ±1 std band, on their shared steps. */
    private void addBands(String task, List<StoredRun> found) {
        GrokPlot.Bands bands = new GrokPlot.Bands();
        bands.setId("seed-bands");
        Runnable draw = () -> {
            List<SeedBands.RunRows> rows = new ArrayList<>();
            for (StoredRun r : found)
                runs.reads()
                        .live(r.id())
                        .ifPresent(l -> rows.add(
                                new SeedBands.RunRows(l.columns() == null ? List.of() : l.columns(), l.rows())));
            bands.show(RunView.json(SeedBands.document(SeedBands.charts(ChartSpecs.charts(task), rows), rows.size())));
        };
        Button refresh = new Button("Redraw with the newest rows", ev -> draw.run());
        refresh.setId("seed-bands-refresh");
        add(
                new H2("Mean ± 1 std across " + found.size() + " seeds"),
                new Paragraph("Each point is the mean (and sample standard deviation) of the runs' own values at a "
                        + "step every run evaluated; the band is drawn as the page opened, or when redrawn."),
                refresh,
                bands);
        draw.run();
    }

    private VerticalLayout picker(List<String> ids) {
        HorizontalLayout seriesButtons = new HorizontalLayout();
        seriesButtons.setWrap(true);
        for (String[] s : new String[][] {
            {"fig2b", "classroom", "Fig. 2b over α (classroom)"},
            {"fig2c", "classroom", "Fig. 2c over λ (classroom)"},
            {"fig1", "classroom", "Fig. 1a vs 1b (classroom)"}
        }) {
            Button b = new Button(s[2], ev -> startSeries(s[0], s[1]));
            seriesButtons.add(b);
        }
        TextField field = new TextField("Run ids or links, comma-separated");
        field.setWidth("40em");
        field.setValue(String.join(",", ids));
        field.setId("compare-ids");
        Button show =
                new Button("Compare", ev -> UI.getCurrent().navigate("compare?runs=" + RunIds.parse(field.getValue())));
        HorizontalLayout byId = new HorizontalLayout(field, show);
        byId.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        return new VerticalLayout(
                new Paragraph("Run a paper series (members already computed open at once):"), seriesButtons, byId);
    }

    private static List<Presets.Preset> members(String figure, String scale) {
        return figure.equals("fig1")
                ? List.of(Presets.get("fig1a", scale), Presets.get("fig1b", scale))
                : Presets.series(figure, scale);
    }

    /** What a series link would run, and the button that runs it. */
    private void offerSeries(String figure, String scale) {
        List<Presets.Preset> members;
        try {
            members = members(figure, scale);
        } catch (ConfigException ex) {
            add(new Paragraph("No such series: " + ex.getMessage()));
            return;
        }
        Paragraph what = new Paragraph("This link runs " + members.size() + " experiments: "
                + String.join("; ", members.stream().map(Presets.Preset::title).toList())
                + ". Those already computed open at once.");
        what.setId("series-offer");
        Button run = new Button("Run this series", ev -> startSeries(figure, scale));
        run.setId("run-series");
        run.addThemeVariants(ButtonVariant.PRIMARY);
        add(what, run);
    }

    /** Starts (or finds) every member of a series, then shows them overlaid. */
    private void startSeries(String figure, String scale) {
        try {
            List<String> ids = new ArrayList<>();
            for (Presets.Preset p : members(figure, scale))
                ids.add(runs.submit(runs.parse(Configs.JSON.createObjectNode().put("preset", p.id())), Submit.client())
                        .run()
                        .id());
            UI.getCurrent().navigate("compare", QueryParameters.of("runs", String.join(",", ids)));
        } catch (ConfigException | QueueLimitException ex) {
            add(new Paragraph("Cannot start this series: " + ex.getMessage()));
        }
    }
}
