package lab.grokking.core.modadd;

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

/** Modular addition with a two-layer ReLU net (Fig. 2, and Fig. 4 without weight decay). */
public final class ModaddSpec implements TaskSpec<ModaddConfig> {
    public static final String NAME = "modadd";
    public static final List<String> COLUMNS = List.of(
            "step",
            "time",
            "log10_time",
            "train_loss",
            "test_loss",
            "train_log_loss",
            "test_log_loss",
            "train_acc",
            "test_acc",
            "train_margin",
            "test_margin",
            "normalized_margin",
            "norm",
            "norm_w1",
            "norm_b1",
            "norm_w2",
            "kernel_norm",
            "transition_step",
            "kernel_test_acc");

    private static final List<FieldSpec> FIELDS = declaredFields();

    private static List<FieldSpec> declaredFields() {
        List<FieldSpec> f = new ArrayList<>(List.of(
                FieldSpec.integer(
                        "p", "Modulus p", "", "labels (a + b) mod p over all p² pairs", 2, ModaddConfig.MAX_P),
                FieldSpec.number(
                        "trainFraction",
                        "Training fraction",
                        "of p²",
                        "share of pairs in the training set",
                        0,
                        true,
                        1),
                FieldSpec.integer("width", "Width h", "units", "hidden ReLU units", 1, ModaddConfig.MAX_WIDTH),
                FieldSpec.bool("zeroLastLayer", "W₂ = 0 at init", "the kernel predictor is then random features"),
                FieldSpec.bool(
                        "lossNormalised",
                        "Loss-normalised steps (λ = 0)",
                        "Fig. 4: steps of size η/L once ln L < switch"),
                FieldSpec.number(
                                "lrFactor",
                                "Plain-step factor",
                                "× η",
                                "step size before the switch (loss-normalised runs)",
                                0,
                                true,
                                1e6)
                        .when("lossNormalised", "true"),
                FieldSpec.number(
                                "logLossSwitch",
                                "Switch at ln L",
                                "",
                                "loss-normalised steps start below this log-loss",
                                -1e4,
                                false,
                                0)
                        .when("lossNormalised", "true")));
        f.addAll(CommonFields.training(1e6, 10_000_000_000L));
        return List.copyOf(f);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "Modular addition";
    }

    @Override
    public Class<ModaddConfig> configType() {
        return ModaddConfig.class;
    }

    @Override
    public ModaddConfig defaults() {
        return ModaddConfig.DEFAULTS;
    }

    @Override
    public List<FieldSpec> fields() {
        return FIELDS;
    }

    @Override
    public void validate(ModaddConfig cfg, Checks c) {
        if (cfg.lossNormalised() && cfg.weightDecay() != 0)
            c.fail(
                    "weightDecay",
                    "must be 0 with lossNormalised (Fig. 4 has no weight decay), got " + cfg.weightDecay());
        if (c.problems().isEmpty() && (cfg.nTrain() < 1 || cfg.nTest() < 1))
            c.fail(
                    "trainFraction",
                    "leaves no " + (cfg.nTrain() < 1 ? "training" : "test") + " pair: floor(" + cfg.trainFraction()
                            + "·" + cfg.p() + "²) = " + cfg.nTrain());
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
                        "Accuracy (with the kernel predictor's test accuracy)",
                        false,
                        "accuracy",
                        List.of(
                                Chart.s("train_acc", "train"),
                                Chart.s("test_acc", "test"),
                                Chart.s("kernel_test_acc", "kernel predictor (test)"))),
                new Chart(
                        "loss",
                        "Cross-entropy loss",
                        true,
                        "loss",
                        List.of(Chart.s("train_loss", "train"), Chart.s("test_loss", "test"))),
                Chart.KERNEL_REGIME_NORM,
                new Chart(
                        "margin",
                        "Margin (correct logit minus best wrong logit, min over samples)",
                        false,
                        "margin",
                        List.of(Chart.s("train_margin", "train"), Chart.s("test_margin", "test"))),
                new Chart(
                        "nmargin",
                        "Normalised margin margin/‖θ‖²",
                        false,
                        "margin/‖θ‖²",
                        List.of(Chart.s("normalized_margin", "train"))));
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
                PredictorView.Kind.CURVE,
                null,
                "kernel predictor (test)",
                "the net",
                "The kernel predictor (random features at the initial direction) reaches the test accuracy drawn as “kernel predictor (test)” "
                        + "in the accuracy chart; the net overtakes it when its normalised margin grows.");
    }

    @Override
    public String runTitle(ModaddConfig c) {
        return String.format(Locale.ROOT, "Modular addition (p = %d, width %d)", c.p(), c.width());
    }

    // Rates on the project's 2-core machine, quiet (docs/benchmarks.md, "Estimates"): float multiply-adds per second of
    // a training step (three dense products) while the hidden activations (n·h floats) fit in cache and once they do
    // not, the JIT's warm-up of the vector kernels, and the rates of the evaluations and of the random-features solve.
    static final double CACHED_STEP_RATE = 5.4e10,
            STEP_RATE = 2.6e10,
            WARMUP_S = 2.0,
            EVAL_RATE = 1.5e10,
            SETUP_RATE = 5e9;
    /** Hidden activations up to this many bytes stay in the 2-core machine's cache between products. */
    static final long CACHE_BYTES = 4L << 20;

    @Override
    public Cost cost(ModaddConfig c) {
        long n = c.nTrain(), nt = c.nTest(), h = c.width(), pp = c.p();
        long params = 2 * (3 * pp * h + h) * 4 + pp * h * 4; // E = W₁ᵀ, b₁, W₂ and their gradients, W₂ᵀ
        long train = 2 * n * h * 4 + 2 * n * pp * 4; // H, dH, Z, dZ
        long test = nt * h * 4 + nt * pp * 4; // hidden and logits of the test pairs
        long m = Math.min(n, h);
        long early = (m * m + 3 * Math.max(n, nt) * pp + 2 * h * pp) * 8
                + (n + nt) * h * 4; // Gram, targets, scores, features
        long memory = params + train + test + early + (n + nt) * 16;

        double evals = new LogSchedule(c.steps(), c.evalPerDecade()).size();
        double stepWork =
                3.0 * n * h * pp + 6.0 * n * h; // the three dense products plus the gather, scatter and update
        double evalWork = (double) nt * h * pp + 4.0 * (n + nt) * pp;
        double setupWork = (double) (n + nt) * h * pp + Math.max(n, h) * (double) m * m / 2 + (double) m * m * m / 3;
        double work = c.steps() * stepWork + evals * evalWork + setupWork;
        double seconds = WARMUP_S
                + c.steps() * stepWork / (n * h * 4 <= CACHE_BYTES ? CACHED_STEP_RATE : STEP_RATE)
                + evals * evalWork / EVAL_RATE
                + setupWork / SETUP_RATE;
        return new Cost(
                work,
                memory,
                seconds,
                MatMul.get().name(),
                Cost.sizeClass(stepWork),
                "p, width",
                "p·width = " + pp * h + " weights per layer",
                "steps × 3·n·h·p plus evaluations",
                Storage.of(c, COLUMNS.size(), 0, 0, 3 * pp * h + h + 1, "p, width")); // E, b₁, W₂ and the clock
    }

    // Not batched (no batchKey): its dense products are GEMMs of each member's own weights, so members share no pass
    // over
    // data that one batched kernel could serve; only the small one-hot inputs would be common.
    @Override
    public TaskRun start(ModaddConfig cfg, RunListener listener) {
        return new ModaddRun(cfg, MatMul.get());
    }
}
