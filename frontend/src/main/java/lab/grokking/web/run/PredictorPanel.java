package lab.grokking.web.run;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import lab.grokking.core.Snapshot;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;

/**
 * The heart of the paper, per task, at the scrubbed step: the diagonal net's largest coordinates beside the
 * early (w₂*) and late (w₁*) predictors'; matrix completion's W beside the zero-fill and min-nuclear-norm
 * completions; modular addition's margin and kernel-predictor reference (its curves are in the charts).
 */
public final class PredictorPanel extends Div {
    private final RunService runs;
    private final String id, task;
    private final Paragraph caption = new Paragraph();
    private final Grid<Predictors.Coordinate> grid = new Grid<>();
    private final Heatmaps heatmaps = new Heatmaps();

    public PredictorPanel(RunService runs, String id, String task) {
        this.runs = runs;
        this.id = id;
        this.task = task;
        addClassName("predictor-panel");
        setId("predictor-panel");
        add(new H3("Early and late predictors"), caption);
        caption.setId("predictor-caption");
        switch (task) {
            case "diag" -> {
                grid.addColumn(Predictors.Coordinate::index).setHeader("Coordinate");
                grid.addColumn(c -> fmt(c.net())).setHeader("Net w (at step)");
                grid.addColumn(c -> fmt(c.early())).setHeader("Early w₂* (max L2 margin)");
                grid.addColumn(c -> fmt(c.late())).setHeader("Late w₁* (max L1 margin)");
                grid.setAllRowsVisible(true);
                grid.getElement().setAttribute("aria-label", "Largest coordinates of w beside the early and late predictors, each divided by its L2 norm");
                add(grid);
            }
            case "mc" -> add(heatmaps);
            default -> caption.setText("The kernel predictor (random features at the initial direction) reaches the test accuracy drawn as "
                    + "“kernel predictor (test)” in the accuracy chart; the net overtakes it when its normalised margin grows.");
        }
    }

    /** Shows the predictors at the last snapshot at or before {@code step} (null: the latest). */
    public void show(Long step) {
        if (task.equals("modadd")) return;
        List<RunStore.SnapshotInfo> all = runs.snapshots(id);
        String name = task.equals("diag") ? "w" : "W";
        Optional<RunStore.SnapshotInfo> at = all.stream().filter(s -> s.name().equals(name) && (step == null || s.step() <= step))
                .reduce((a, b) -> b.step() >= a.step() ? b : a);
        Optional<Snapshot> early = runs.snapshot(id, "early", -1), late = runs.snapshot(id, "late", -1);
        if (at.isEmpty() || early.isEmpty() || late.isEmpty()) {
            caption.setText("No snapshot yet: they are saved with each checkpoint and at the end of the run.");
            grid.setItems(List.of());
            return;
        }
        Snapshot w = runs.snapshot(id, name, at.get().step()).orElseThrow();
        if (task.equals("diag")) {
            caption.setText("Step " + w.step() + ": the largest coordinates of the net's w = u^L − v^L, and the late predictor's top ones, "
                    + "each as a fraction of its vector's L2 norm. Early on w follows w₂*; after the transition it concentrates on w₁*'s support.");
            grid.setItems(Predictors.top(w.values(), early.get().values(), late.get().values(), 8));
        } else {
            caption.setText("Step " + w.step() + ": the net's W beside the zero-fill (early) and minimum-nuclear-norm (late) completions.");
            heatmaps.show(List.of(new Heatmaps.Map("Net W at step " + w.step(), w), new Heatmaps.Map("Early: zero-fill", early.get()),
                    new Heatmaps.Map("Late: min nuclear norm", late.get())));
        }
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%+.3f", v); }
}
