package lab.grokking.core.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.LogSchedule;
import lab.grokking.core.RunListener;
import lab.grokking.core.config.Checks;
import lab.grokking.core.linalg.SignDesign;
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

/** The diagonal linear net of Fig. 1a (sparse data: grokking) and Fig. 1b (Gaussian data: misgrokking). */
public final class DiagSpec implements TaskSpec<DiagConfig> {
    public static final String NAME = "diag";
    /** The net's snapshots: w = u^L − v^L. */
    static final String NET = "w";

    public static final List<String> COLUMNS = List.of(
            "step",
            "time",
            "train_loss",
            "test_loss",
            "train_acc",
            "test_acc",
            "norm",
            "kernel_norm",
            "transition_step",
            "margin_l2",
            "margin_l1",
            "cos_early",
            "cos_late",
            "agree_early",
            "agree_late",
            "l1_over_l2",
            "support_share",
            "displacement");

    private static final List<FieldSpec> FIELDS = declaredFields();

    private static List<FieldSpec> declaredFields() {
        List<FieldSpec> f = new ArrayList<>(List.of(
                FieldSpec.choice(
                        "data",
                        "Data",
                        "sparse: grokking (Fig. 1a); gaussian: large L2 margin, misgrokking (Fig. 1b)",
                        "sparse",
                        "gaussian"),
                FieldSpec.integer("d", "Dimension d", "features", "input dimension", 1, 10_000_000),
                FieldSpec.integer("n", "Training samples n", "samples", "training set size", 1, DiagConfig.MAX_N),
                FieldSpec.integer("nTest", "Test samples", "samples", "test set size", 1, 1_000_000),
                FieldSpec.integer("k", "Support size k", "coordinates", "non-zeros of w* (odd, at most d)", 1, 10_001)
                        .when("data", "sparse"),
                FieldSpec.number("gamma", "Margin γ", "", "L2 margin added along w*", 0, false, 1e6)
                        .when("data", "gaussian"),
                FieldSpec.integer("depth", "Depth L", "layers", "f = ⟨u^L − v^L, x⟩", 1, 8)));
        f.addAll(CommonFields.training(1e6, 1_000_000_000));
        return List.copyOf(f);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "Diagonal linear net";
    }

    @Override
    public Class<DiagConfig> configType() {
        return DiagConfig.class;
    }

    @Override
    public DiagConfig defaults() {
        return DiagConfig.DEFAULTS;
    }

    @Override
    public List<FieldSpec> fields() {
        return FIELDS;
    }

    @Override
    public void validate(DiagConfig cfg, Checks c) {
        if (!cfg.sparse()) return;
        if (cfg.k() > cfg.d() && cfg.d() >= 1) c.fail("k", "must be at most d = " + cfg.d() + ", got " + cfg.k());
        if (cfg.k() % 2 == 0) c.fail("k", "must be odd so that sign⟨w*, x⟩ is never 0, got " + cfg.k());
    }

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Chart> charts() {
        return List.of(
                new Chart(
                        "acc",
                        "Accuracy",
                        false,
                        "accuracy",
                        List.of(Chart.s("train_acc", "train"), Chart.s("test_acc", "test"))),
                new Chart(
                        "loss",
                        "Logistic loss",
                        true,
                        "loss",
                        List.of(Chart.s("train_loss", "train"), Chart.s("test_loss", "test"))),
                Chart.KERNEL_REGIME_NORM,
                new Chart(
                        "cos",
                        "Cosine of w with the early (w₂*) and late (w₁*) predictors",
                        false,
                        "cosine",
                        List.of(Chart.s("cos_early", "cos(w, w₂*) early"), Chart.s("cos_late", "cos(w, w₁*) late"))),
                new Chart(
                        "agree",
                        "Test-prediction agreement with each predictor",
                        false,
                        "agreement",
                        List.of(Chart.s("agree_early", "with w₂* (early)"), Chart.s("agree_late", "with w₁* (late)"))));
    }

    @Override
    public String headlineMetric() {
        return "test_acc";
    }

    @Override
    public OutcomeMetric outcome() {
        return OutcomeMetric.atLeast("train_acc", "test_acc", 0.95);
    }

    @Override
    public PredictorView predictorView() {
        return new PredictorView(
                PredictorView.Kind.COORDINATES,
                NET,
                "Early w₂* (max L2 margin)",
                "Late w₁* (max L1 margin)",
                "Step %d: the largest coordinates of the net's w = u^L − v^L, and the late predictor's top ones, each as a fraction of its "
                        + "vector's L2 norm. Early on w follows w₂*; after the transition it concentrates on w₁*'s support.");
    }

    @Override
    public String runTitle(DiagConfig c) {
        return String.format(Locale.ROOT, "Diagonal linear net (%s data, d = %d, n = %d)", c.data(), c.d(), c.n());
    }

    // Rates on the project's 2-core machine, quiet (docs/benchmarks.md, "Estimates"): sign multiply-adds per second of
    // the bit-packed sparse kernel and float multiply-adds of the dense Gaussian one, each with a fixed cost per step
    // (fitted at classroom and paper size); evaluations likewise; set-up is the data and the two exact predictor
    // solvers (the sparse data's max-L1-margin LP has a fixed part of its own).
    static final double SPARSE_RATE = 1.1e11,
            SPARSE_STEP_S = 2e-5,
            DENSE_RATE = 2.38e10,
            DENSE_STEP_S = 5e-5,
            EVAL_RATE = 1.63e10,
            EVAL_OVERHEAD_S = 3.8e-3,
            SOLVER_RATE = 2.35e9,
            SPARSE_SETUP_S = 0.75,
            DENSE_SETUP_S = 0.1;

    @Override
    public Cost cost(DiagConfig c) {
        long pad = (long) SignDesign.wordsFor(c.d()) * 64;
        boolean sparse = c.sparse();
        int n = c.n(), d = c.d();
        // sparse: the packed bits plus the kernels' row and column layouts (≈1.07× the bits each)
        long train = sparse ? (long) n * pad / 8 * 33 / 10 : (long) n * pad * 4;
        long vectors = 12L * pad * 8; // u, v, w, gradient, predictors and their float copies
        long test = sparse ? (long) Math.min(c.nTest(), DiagRun.TEST_CHUNK) * pad / 8 * 2 : 0;
        long perSample = (long) (n + c.nTest()) * 8 * 8; // labels, margins, predictor outputs, solver state
        long solver =
                (long) n * n * 8 * 5; // Gram matrix, active-set factors, simplex basis inverse and its refactorisation
        long memory = train + vectors + test + perSample + solver;

        double evals = new LogSchedule(c.steps(), c.evalPerDecade()).size();
        double stepWork = 2.0 * n * d, evalWork = (double) c.nTest() * (sparse ? d : 4) + 8.0 * d;
        double solverWork =
                50.0 * n * n * n + (double) n * n * d; // dense O(n³) factorisations, the Gram matrix, pricing rounds
        double work = c.steps() * stepWork + evals * evalWork + solverWork;
        double perStep = sparse ? SPARSE_STEP_S + stepWork / SPARSE_RATE : DENSE_STEP_S + stepWork / DENSE_RATE;
        double seconds = c.steps() * perStep
                + evals * (EVAL_OVERHEAD_S + evalWork / EVAL_RATE)
                + (sparse ? SPARSE_SETUP_S : DENSE_SETUP_S)
                + solverWork / SOLVER_RATE;
        return new Cost(
                work,
                memory,
                seconds,
                sparse ? "sparse-bits" : "gaussian-dense",
                Cost.sizeClass(stepWork),
                "n, d",
                "n·d = " + (long) n * d + (sparse ? " bits" : " floats"),
                "steps × 2nd plus evaluations",
                Storage.of(c, COLUMNS.size(), d, 2L * d, 2L * d, "d")); // w; w₂* and w₁*; u and v
    }

    /** Same data (kind, d, n, test set, k or γ, seed); members may differ in α, η, λ, depth, steps and schedule. */
    @Override
    public Object batchKey(DiagConfig c) {
        return List.of(NAME, c.data(), c.d(), c.n(), c.nTest(), c.sparse() ? c.k() : c.gamma(), c.seed());
    }

    @Override
    public TaskRun start(DiagConfig cfg, RunListener listener) {
        return start(cfg, listener, null);
    }

    @Override
    public TaskRun start(DiagConfig cfg, RunListener listener, Cohort.Member member) {
        return new DiagRun(cfg, listener, member);
    }
}
