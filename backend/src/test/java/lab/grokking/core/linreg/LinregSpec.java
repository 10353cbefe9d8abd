package lab.grokking.core.linreg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.LogSchedule;
import lab.grokking.core.RunListener;
import lab.grokking.core.config.Checks;
import lab.grokking.core.task.Chart;
import lab.grokking.core.task.CommonFields;
import lab.grokking.core.task.Cost;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.OutcomeMetric;
import lab.grokking.core.task.PredictorView;
import lab.grokking.core.task.Storage;
import lab.grokking.core.task.TaskRun;
import lab.grokking.core.task.TaskSpec;

/** The test-only fourth task: registered in src/test/resources/META-INF/services, it proves that a task is one package. */
public final class LinregSpec implements TaskSpec<LinregConfig> {
    public static final String NAME = "linreg";
    static final String NET = "w";
    static final List<String> COLUMNS = List.of(
            "step",
            "time",
            "train_mse",
            "test_mse",
            "norm",
            "kernel_norm",
            "transition_step",
            "dist_early",
            "dist_late",
            "l1_norm");
    private static final List<FieldSpec> FIELDS = declaredFields();

    private static List<FieldSpec> declaredFields() {
        List<FieldSpec> f = new ArrayList<>(List.of(
                FieldSpec.integer("d", "Dimension d", "features", "input dimension", 1, 2000),
                FieldSpec.integer(
                        "n",
                        "Training samples n",
                        "samples",
                        "training set size (below d: many interpolators)",
                        1,
                        200),
                FieldSpec.integer("k", "Support size k", "coordinates", "non-zeros of w* (at most d)", 1, 100)));
        f.addAll(CommonFields.training(1e4, 10_000_000));
        return List.copyOf(f);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "Diagonal linear regression";
    }

    @Override
    public Class<LinregConfig> configType() {
        return LinregConfig.class;
    }

    @Override
    public LinregConfig defaults() {
        return LinregConfig.DEFAULTS;
    }

    @Override
    public List<FieldSpec> fields() {
        return FIELDS;
    }

    @Override
    public void validate(LinregConfig cfg, Checks c) {
        if (!c.problems().isEmpty()) return;
        if (cfg.k() > cfg.d()) c.fail("k", "must be at most d = " + cfg.d() + ", got " + cfg.k());
        if (cfg.n() > cfg.d())
            c.fail(
                    "n",
                    "must be at most d = " + cfg.d()
                            + " (n Gaussian samples in d dimensions are independent only up to d), got " + cfg.n());
    }

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Chart> charts() {
        return List.of(
                new Chart(
                        "mse",
                        "Mean squared error (test: population)",
                        true,
                        "MSE",
                        List.of(Chart.s("train_mse", "train"), Chart.s("test_mse", "test"))),
                Chart.KERNEL_REGIME_NORM,
                new Chart(
                        "dist",
                        "Relative distance of w to the min-L2 (early) and min-L1 (late) interpolators",
                        true,
                        "‖w − w*‖/‖w*‖",
                        List.of(Chart.s("dist_early", "to min L2 (early)"), Chart.s("dist_late", "to min L1 (late)"))));
    }

    @Override
    public String headlineMetric() {
        return "test_mse";
    }

    @Override
    public OutcomeMetric outcome() {
        return OutcomeMetric.atMost("train_mse", "test_mse", 1e-2);
    }

    @Override
    public PredictorView predictorView() {
        return new PredictorView(
                PredictorView.Kind.COORDINATES,
                NET,
                "Early: min L2 norm",
                "Late: min L1 norm",
                "Step %d: the largest coordinates of w = u∘u − v∘v beside the minimum-L2-norm and minimum-L1-norm interpolators.");
    }

    @Override
    public String runTitle(LinregConfig c) {
        return String.format(Locale.ROOT, "Diagonal linear regression (d = %d, n = %d, k = %d)", c.d(), c.n(), c.k());
    }

    /** Scalar double loops: about 10⁹ multiply-adds per second on the project's machine. */
    static final double RATE = 1e9;

    @Override
    public Cost cost(LinregConfig c) {
        double stepWork = 4.0 * c.n() * c.d(), evals = new LogSchedule(c.steps(), c.evalPerDecade()).size();
        double solver = 200.0 * ((double) c.n() * c.n() * c.d() + (double) c.n() * c.n() * c.n());
        double work = c.steps() * stepWork + evals * 8.0 * c.d() + solver;
        long memory = (8L * c.n() * c.d() + 10L * c.d() + (long) c.n() * c.n()) * 8;
        return new Cost(
                work,
                memory,
                work / RATE,
                "scalar",
                Cost.sizeClass(stepWork),
                "n, d",
                "n·d = " + (long) c.n() * c.d() + " doubles",
                "steps × 4nd plus the interpolators",
                Storage.of(c, COLUMNS.size(), c.d(), 2L * c.d(), 2L * c.d(), "d"));
    }

    @Override
    public TaskRun start(LinregConfig cfg, RunListener listener) {
        return new LinregRun(cfg, listener);
    }

    @Override
    public List<String> presets() {
        return List.of("linreg-classroom.json");
    }
}
