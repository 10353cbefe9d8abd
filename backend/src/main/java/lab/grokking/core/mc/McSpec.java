package lab.grokking.core.mc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.LogSchedule;
import lab.grokking.core.RunListener;
import lab.grokking.core.config.Checks;
import lab.grokking.core.task.Chart;
import lab.grokking.core.task.Cohort;
import lab.grokking.core.task.CommonFields;
import lab.grokking.core.task.Cost;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.OutcomeMetric;
import lab.grokking.core.task.PredictorView;
import lab.grokking.core.task.Storage;
import lab.grokking.core.task.TaskRun;
import lab.grokking.core.task.TaskSpec;

/** Symmetric matrix completion of Fig. 3: grokking from the zero-fill (kernel) completion to the minimum-nuclear-norm one. */
public final class McSpec implements TaskSpec<McConfig> {
    public static final String NAME = "mc";
    /** The net's snapshots: W = UUᵀ − VVᵀ. */
    static final String NET = "W";

    public static final List<String> COLUMNS = List.of(
            "step",
            "time",
            "train_mse",
            "test_mse",
            "norm",
            "kernel_norm",
            "transition_step",
            "nuclear_norm",
            "sv1",
            "sv2",
            "sv3",
            "effective_rank",
            "dist_early",
            "dist_late");

    private static final List<FieldSpec> FIELDS = declaredFields();

    private static List<FieldSpec> declaredFields() {
        List<FieldSpec> f = new ArrayList<>(List.of(
                FieldSpec.choice(
                        "target",
                        "Target",
                        "table: the multiplication table i·j/d² (Fig. 3); lowrank: a random symmetric rank-r matrix",
                        "table",
                        "lowrank"),
                FieldSpec.integer("d", "Matrix size d", "rows", "W is d × d", 2, McConfig.MAX_D),
                FieldSpec.integer("rank", "Rank r", "", "rank of the random target (at most d)", 1, McConfig.MAX_D)
                        .when("target", "lowrank"),
                FieldSpec.number(
                        "observed", "Observed fraction", "of d²", "share of entries in the training set", 0, true, 1),
                FieldSpec.number("sigma", "Init noise σ", "", "random perturbation of U = V = αI", 0, false, 1e4)));
        f.addAll(CommonFields.training(1e4, 1_000_000_000));
        return List.copyOf(f);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "Matrix completion";
    }

    @Override
    public Class<McConfig> configType() {
        return McConfig.class;
    }

    @Override
    public McConfig defaults() {
        return McConfig.DEFAULTS;
    }

    @Override
    public List<FieldSpec> fields() {
        return FIELDS;
    }

    @Override
    public void validate(McConfig cfg, Checks c) {
        if (!c.problems().isEmpty()) return;
        if (!cfg.table() && cfg.rank() > cfg.d())
            c.fail("rank", "must be at most d = " + cfg.d() + ", got " + cfg.rank());
        if (cfg.nTrain() < 1)
            c.fail(
                    "observed",
                    "observes no entry: round(" + cfg.observed() + "·" + cfg.d() + "²) = 0; use at least "
                            + 1.0 / ((double) cfg.d() * cfg.d()));
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
                        "Mean squared error",
                        true,
                        "MSE",
                        List.of(Chart.s("train_mse", "train (observed)"), Chart.s("test_mse", "test (unobserved)"))),
                Chart.KERNEL_REGIME_NORM,
                new Chart(
                        "dist",
                        "Relative distance of W to the early (zero-fill) and late (min-nuclear-norm) predictors",
                        true,
                        "‖W − W*‖/‖W*‖",
                        List.of(
                                Chart.s("dist_early", "to zero-fill (early)"),
                                Chart.s("dist_late", "to min nuclear norm (late)"))),
                new Chart(
                        "sv",
                        "Leading singular values of W",
                        true,
                        "σ",
                        List.of(Chart.s("sv1", "σ₁"), Chart.s("sv2", "σ₂"), Chart.s("sv3", "σ₃"))));
    }

    @Override
    public String headlineMetric() {
        return "test_mse";
    }

    /** 10⁻³ is 1 % of the targets' mean square (≈ 0.11 for the table, 1/9 for "lowrank"); the zero-fill plateau sits near it. */
    @Override
    public OutcomeMetric outcome() {
        return OutcomeMetric.atMost("train_mse", "test_mse", 1e-3);
    }

    @Override
    public PredictorView predictorView() {
        return new PredictorView(
                PredictorView.Kind.HEATMAP,
                NET,
                "Early: zero-fill",
                "Late: min nuclear norm",
                "Step %d: the net's W beside the zero-fill (early) and minimum-nuclear-norm (late) completions.");
    }

    @Override
    public String runTitle(McConfig c) {
        return String.format(Locale.ROOT, "Matrix completion (d = %d)", c.d());
    }

    // Rates on the project's 2-core machine (docs/benchmarks.md, "Estimates"): multiply-adds per second of a step over
    // the observed entries, of the evaluations' eigen-decompositions and of the nuclear-norm solver.
    // The solver's work limit counts its iteration cap; it converges in about SOLVER_ITERATIONS on the presets.
    static final double STEP_RATE = 1.66e10,
            STEP_OVERHEAD_S = 4.3e-6,
            EIGEN_RATE = 1.0e9,
            EVAL_OVERHEAD_S = 6e-4,
            SOLVER_ITERATIONS = 130;

    @Override
    public Cost cost(McConfig c) {
        int d = c.d();
        long dd = (long) d * d;
        long params = 4 * dd * 8; // U, V and their next-step buffers
        long matrices = 12 * dd * 8; // target, W, early/late predictors, eigen and solver work space
        long masks = 2 * dd;
        long perEntry = (long) c.nTrain() * 48; // indices, labels, residuals, sparse rows
        long memory = params + matrices + masks + perEntry;

        double ddd = (double) dd * d, evals = new LogSchedule(c.steps(), c.evalPerDecade()).size();
        double stepWork = 6.0 * c.nTrain() * d + 4 * dd,
                evalWork = 3 * ddd,
                solverWork = NuclearCompletion.MAX_ITERATIONS * 8 * ddd;
        double work = c.steps() * stepWork + evals * evalWork + solverWork;
        double seconds = c.steps() * (STEP_OVERHEAD_S + stepWork / STEP_RATE)
                + evals * EVAL_OVERHEAD_S
                + (evals * evalWork + SOLVER_ITERATIONS * 8 * ddd) / EIGEN_RATE;
        return new Cost(
                work,
                memory,
                seconds,
                "observed-entries",
                Cost.sizeClass(stepWork),
                "d",
                "d² = " + dd + " entries",
                "steps × 6nd plus evaluations and solver",
                Storage.of(c, COLUMNS.size(), dd, 2 * dd, 2 * dd, "d")); // W; early and late; U and V
    }

    /** Same target, size, observed set and seed; members may differ in α, σ, η, λ, steps and schedule. */
    @Override
    public Object batchKey(McConfig c) {
        return List.of(NAME, c.target(), c.d(), c.rank(), c.observed(), c.seed());
    }

    @Override
    public TaskRun start(McConfig cfg, RunListener listener) {
        return start(cfg, listener, null);
    }

    @Override
    public TaskRun start(McConfig cfg, RunListener listener, Cohort.Member member) {
        return new McRun(cfg, listener, member);
    }
}
