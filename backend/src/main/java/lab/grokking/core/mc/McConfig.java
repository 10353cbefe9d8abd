package lab.grokking.core.mc;

import lab.grokking.core.LogSchedule;
import lab.grokking.core.config.Checks;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.RunConfig;

/**
 * Symmetric matrix completion with W = UUᵀ − VVᵀ (paper §3.3.3, Fig. 3). Defaults are Fig. 3 at paper
 * scale: the 97×97 multiplication table, 5 % of the entries observed, U = V = 10·I, η = 0.1, λ = 10⁻⁴.
 *
 * @param target        "table": X*_ij = i·j/d² (i, j = 0..d−1), the paper's rank-1 multiplication table;
 *                      "lowrank": a seeded random symmetric rank-r matrix Q·diag(s)·Qᵀ with Q the orthonormalised
 *                      columns of a Gaussian d×r matrix (incoherent with high probability; its coherence is
 *                      reported) and |s_k| = d/(3√r), so the mean squared entry is 1/9 like the table's ≈ 0.108;
 *                      the first s_k is positive, the others have seeded random signs
 * @param d             matrix size, 2..{@value #MAX_D} (the convex late-predictor solver is O(d³) per iteration)
 * @param rank          r, rank of the "lowrank" target, 1..d (ignored by "table", whose rank is 1)
 * @param observed      fraction in (0, 1] of the d² ordered entries (diagonal included) that are observed, rounded
 *                      to a whole number of entries; all other entries are the test set (empty when 1)
 * @param alpha         init scale: U = V = α·I (+ σ·N(0, 1) per entry), so W(0) = 0 and ‖θ(0)‖ = α√(2d) when σ = 0
 * @param sigma         σ, standard deviation of the optional random perturbation of the init (paper Remark 3.13)
 * @param lr            GD step size η
 * @param weightDecay   coupled L2 weight decay λ: θ ← θ − η(∇𝓛 + λθ)
 * @param steps         GD steps
 * @param evalPerDecade evaluation points per decade of steps (after every step up to 10)
 * @param seed          seed of the observed set, the "lowrank" target and the init perturbation
 */
public record McConfig(String task, String target, int d, int rank, double observed, double alpha, double sigma,
                       double lr, double weightDecay, long steps, int evalPerDecade, long seed) implements RunConfig {
    public static final String TASK = "mc";
    /** Largest matrix size: the late predictor's solver costs ~7d³ per iteration for a few hundred iterations. */
    public static final int MAX_D = 256;
    public static final McConfig DEFAULTS = new McConfig(TASK, "table", 97, 1, 0.05, 10, 0, 0.1, 1e-4, 1_500_000, 40, 1);

    public boolean table() { return "table".equals(target); }

    /** Number of observed (training) entries: round(observed·d²). */
    public int nTrain() { return (int) Math.round(observed * d * (double) d); }

    @Override
    public void validate(Limits limits) {
        Checks c = new Checks();
        if (!TASK.equals(task)) c.fail("task", "must be '" + TASK + "'");
        if (!"table".equals(target) && !"lowrank".equals(target)) c.fail("target", "must be 'table' or 'lowrank', got '" + target + "'");
        c.range("d", d, 2, MAX_D).range("observed", observed, 0, true, 1).range("alpha", alpha, 0, true, 1e4)
                .range("sigma", sigma, 0, false, 1e4).range("lr", lr, 0, true, 100).range("weightDecay", weightDecay, 0, false, 10)
                .range("steps", steps, 1, 1_000_000_000).range("evalPerDecade", evalPerDecade, 1, 1000).range("seed", seed, 0, (1L << 53) - 1);
        if (d >= 2 && d <= MAX_D) c.range("rank", rank, 1, d);
        if (c.problems().isEmpty() && nTrain() < 1)
            c.fail("observed", "observes no entry: round(" + observed + "·" + d + "²) = 0; use at least " + 1.0 / ((double) d * d));
        if (c.problems().isEmpty()) {
            long mem = memoryBytes();
            if (mem > limits.maxMemoryBytes())
                c.fail("d", "needs ~" + (mem >> 20) + " MiB, above the memory limit of " + (limits.maxMemoryBytes() >> 20) + " MiB");
            if (work() > limits.maxWork())
                c.fail("steps", String.format("the run needs ~%.2g multiply-adds (steps × 6nd plus evaluations and solver), above the work limit of %.2g",
                        work(), limits.maxWork()));
        }
        c.throwIfAny();
    }

    @Override
    public McTask newTask() { return new McTask(this); }

    @Override
    public long memoryBytes() {
        long dd = (long) d * d;
        long params = 4 * dd * 8;                 // U, V and their next-step buffers
        long matrices = 12 * dd * 8;              // target, W, early/late predictors, eigen and solver work space
        long masks = 2 * dd;
        long snapshots = (long) McTask.SNAPSHOTS * dd * 4;
        long perEntry = (long) nTrain() * 48;     // indices, labels, residuals, sparse rows
        return params + matrices + masks + snapshots + perEntry;
    }

    @Override
    public double work() {
        double dd = (double) d * d, ddd = dd * d;
        double evals = new LogSchedule(steps, evalPerDecade).size();
        return steps * (6.0 * nTrain() * d + 4 * dd) + evals * 3 * ddd + NuclearCompletion.MAX_ITERATIONS * 8 * ddd;
    }
}
