package lab.grokking.web.run;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import lab.grokking.core.Snapshot;
import lab.grokking.core.task.PredictorView;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;

/**
 * The heart of the paper, at the scrubbed step: the net beside its early (kernel) and late (min-norm / max-margin)
 * predictors, as the task's {@link PredictorView} says: a vector's largest coordinates in a table, matrices as
 * heatmaps, or only a caption when the reference is a chart series.
 */
public final class PredictorPanel extends Div {
    private final RunService runs;
    private final String id;
    private final PredictorView view;
    private final Paragraph caption = new Paragraph();
    private final Grid<Predictors.Coordinate> grid = new Grid<>();
    private final Heatmaps heatmaps = new Heatmaps();

    public PredictorPanel(RunService runs, String id, String task) {
        this.runs = runs;
        this.id = id;
        this.view = TaskSpecs.get(task).predictorView();
        addClassName("predictor-panel");
        setId("predictor-panel");
        add(new H3("Early and late predictors"), caption);
        caption.setId("predictor-caption");
        switch (view.kind()) {
            case COORDINATES -> {
                grid.addColumn(Predictors.Coordinate::index).setHeader("Coordinate");
                grid.addColumn(c -> fmt(c.net())).setHeader("Net " + view.netSnapshot() + " (at step)");
                grid.addColumn(c -> fmt(c.early())).setHeader(view.earlyLabel());
                grid.addColumn(c -> fmt(c.late())).setHeader(view.lateLabel());
                grid.setAllRowsVisible(true);
                grid.getElement()
                        .setAttribute(
                                "aria-label",
                                "Largest coordinates of " + view.netSnapshot()
                                        + " beside the early and late predictors, each divided by its L2 norm");
                add(grid);
            }
            case HEATMAP -> add(heatmaps);
            case CURVE -> caption.setText(view.caption());
        }
    }

    /** Shows the predictors at the last snapshot at or before {@code step} (null: the latest). */
    public void show(Long step) {
        if (view.kind() == PredictorView.Kind.CURVE) return;
        List<RunStore.SnapshotInfo> all = runs.reads().snapshots(id);
        String name = view.netSnapshot();
        Optional<RunStore.SnapshotInfo> at = all.stream()
                .filter(s -> s.name().equals(name) && (step == null || s.step() <= step))
                .reduce((a, b) -> b.step() >= a.step() ? b : a);
        Optional<Snapshot> early = runs.reads().snapshot(id, PredictorView.EARLY, -1),
                late = runs.reads().snapshot(id, PredictorView.LATE, -1);
        if (at.isEmpty() || early.isEmpty() || late.isEmpty()) {
            caption.setText("No snapshot yet: they are saved with each checkpoint and at the end of the run.");
            grid.setItems(List.of());
            return;
        }
        Snapshot w = runs.reads().snapshot(id, name, at.get().step()).orElseThrow();
        caption.setText(String.format(Locale.ROOT, view.caption(), w.step()));
        if (view.kind() == PredictorView.Kind.COORDINATES)
            grid.setItems(
                    Predictors.top(w.values(), early.get().values(), late.get().values(), 8));
        else
            heatmaps.show(List.of(
                    new Heatmaps.Map("Net " + name + " at step " + w.step(), w),
                    new Heatmaps.Map(view.earlyLabel(), early.get()),
                    new Heatmaps.Map(view.lateLabel(), late.get())));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%+.3f", v);
    }
}
