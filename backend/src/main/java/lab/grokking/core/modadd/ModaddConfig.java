package lab.grokking.core.modadd;

import lab.grokking.core.LogSchedule;
import lab.grokking.core.config.Checks;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.RunConfig;

/**
 * Modular addition (a + b) mod p with a two-layer ReLU net f(x) = W₂·ReLU(W₁x + b₁) on one-hot(a) ‖ one-hot(b)
 * (paper §2, §4, Fig. 2 and Fig. 4). Defaults are Fig. 2a at paper scale: p = 97, 40 % of the p² pairs train,
 * h = 1024, He init ×1 with random W₂, η = 0.002, λ = 10⁻⁴, 10⁸ steps (far above the default work limit: a
 * paper-scale run needs a raised {@code groklab.maxWork} or fewer steps).
 *
 * @param task           "modadd"
 * @param p              modulus (classes), 2..{@value #MAX_P}
 * @param trainFraction  fraction in (0, 1) of the p² pairs in the training set, floor(fraction·p²) (0.4 → 3763 at p = 97)
 * @param width          hidden width h
 * @param alpha          init scale: He init (W₁ ~ N(0, 2/2p), W₂ ~ N(0, 1/h), b₁ = 0) times α
 * @param zeroLastLayer  W₂ = 0 at init (the output is 0 and ‖θ(0)‖ ≈ √(2h)·α; paper Fig. 2b, 2c)
 * @param lr             GD step size η
 * @param weightDecay    coupled L2 weight decay λ: θ ← θ − η(∇𝓛 + λθ); must be 0 when lossNormalised
 * @param lossNormalised Fig. 4's loss-normalised GD (λ = 0): plain steps on lrFactor·𝓛 while ln 𝓛 > logLossSwitch,
 *                       then steps on ln 𝓛 (effective step η/𝓛); continuous time t = Σ effective steps
 * @param lrFactor       step factor of the plain phase of the loss-normalised GD (reference code: 10)
 * @param logLossSwitch  ln 𝓛 below which the loss-normalised GD steps on ln 𝓛 (reference code: −5)
 * @param steps          GD steps
 * @param evalPerDecade  evaluation points per decade of steps (after every step up to 10)
 * @param seed           seed of the train/test split and of the init
 */
public record ModaddConfig(String task, int p, double trainFraction, int width, double alpha, boolean zeroLastLayer, double lr,
                           double weightDecay, boolean lossNormalised, double lrFactor, double logLossSwitch, long steps,
                           int evalPerDecade, long seed) implements RunConfig {
    public static final String TASK = "modadd";
    public static final int MAX_P = 1024, MAX_WIDTH = 16384;
    public static final ModaddConfig DEFAULTS = new ModaddConfig(TASK, 97, 0.4, 1024, 1, false, 0.002, 1e-4, false, 10, -5,
            100_000_000, 40, 1);
    /** Multiply-adds per second of a training step, measured on the 2-core project machine (docs/benchmarks.md). */
    static final double MACS_PER_SECOND = 2.0e10;

    /** Training pairs: floor(trainFraction·p²), as the reference code's n_train = 3763 for p = 97. */
    public int nTrain() { return (int) Math.floor(trainFraction * p * (double) p + 1e-9); }

    public int nTest() { return p * p - nTrain(); }

    @Override
    public void validate(Limits limits) {
        Checks c = new Checks();
        if (!TASK.equals(task)) c.fail("task", "must be '" + TASK + "'");
        c.range("p", p, 2, MAX_P).range("trainFraction", trainFraction, 0, true, 1).range("width", width, 1, MAX_WIDTH)
                .range("alpha", alpha, 0, true, 1e6).range("lr", lr, 0, true, 100).range("weightDecay", weightDecay, 0, false, 10)
                .range("lrFactor", lrFactor, 0, true, 1e6).range("logLossSwitch", logLossSwitch, -1e4, false, 0)
                .range("steps", steps, 1, 10_000_000_000L).range("evalPerDecade", evalPerDecade, 1, 1000).range("seed", seed, 0, (1L << 53) - 1);
        if (lossNormalised && weightDecay != 0) c.fail("weightDecay", "must be 0 with lossNormalised (Fig. 4 has no weight decay), got " + weightDecay);
        if (c.problems().isEmpty() && (nTrain() < 1 || nTest() < 1))
            c.fail("trainFraction", "leaves no " + (nTrain() < 1 ? "training" : "test") + " pair: floor(" + trainFraction + "·" + p + "²) = " + nTrain());
        if (c.problems().isEmpty()) {
            long mem = memoryBytes();
            if (mem > limits.maxMemoryBytes())
                c.fail("p, width", "need ~" + (mem >> 20) + " MiB, above the memory limit of " + (limits.maxMemoryBytes() >> 20) + " MiB");
            if (work() > limits.maxWork())
                c.fail("steps", String.format("the run needs ~%.2g multiply-adds (steps × 3·n·h·p plus evaluations; ~%s on this machine), above the work limit of %.2g",
                        work(), human(estimatedSeconds()), limits.maxWork()));
        }
        c.throwIfAny();
    }

    @Override
    public ModaddTask newTask() { return new ModaddTask(this); }

    @Override
    public long memoryBytes() {
        long n = nTrain(), nt = nTest(), h = width, pp = p;
        long params = 2 * (3 * pp * h + h) * 4 + pp * h * 4;      // E = W₁ᵀ, b₁, W₂ and their gradients, W₂ᵀ
        long train = 2 * n * h * 4 + 2 * n * pp * 4;              // H, dH, Z, dZ
        long test = nt * h * 4 + nt * pp * 4;                     // hidden and logits of the test pairs
        long m = Math.min(n, h);
        long early = (m * m + 3 * Math.max(n, nt) * pp + 2 * h * pp) * 8 + (n + nt) * h * 4; // Gram, targets, scores, features
        return params + train + test + early + (n + nt) * 16;
    }

    /** Multiply-adds of one training step: the three dense products plus the gather, scatter and update. */
    double stepWork() { return 3.0 * nTrain() * width * p + 6.0 * nTrain() * width; }

    @Override
    public double work() {
        double evals = new LogSchedule(steps, evalPerDecade).size();
        double n = nTrain(), h = width, m = Math.min(n, h);
        double early = (n + nTest()) * h * p + Math.max(n, h) * m * m / 2 + m * m * m / 3;
        return steps * stepWork() + evals * (nTest() * h * p + 4.0 * (nTrain() + nTest()) * p) + early;
    }

    /** Wall-time estimate on this machine from {@link #MACS_PER_SECOND}. */
    @Override
    public double estimatedSeconds() { return work() / MACS_PER_SECOND; }

    public static String human(double s) {
        if (s < 120) return String.format("%.0f s", s);
        if (s < 7200) return String.format("%.0f min", s / 60);
        if (s < 2 * 86400) return String.format("%.1f h", s / 3600);
        return String.format("%.0f days", s / 86400);
    }
}
