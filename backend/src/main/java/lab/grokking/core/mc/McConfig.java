package lab.grokking.core.mc;

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
public record McConfig(
        String task,
        String target,
        int d,
        int rank,
        double observed,
        double alpha,
        double sigma,
        double lr,
        double weightDecay,
        long steps,
        int evalPerDecade,
        long seed)
        implements RunConfig {
    /** Largest matrix size: the late predictor's solver costs ~7d³ per iteration for a few hundred iterations. */
    public static final int MAX_D = 256;

    public static final McConfig DEFAULTS =
            new McConfig(McSpec.NAME, "table", 97, 1, 0.05, 10, 0, 0.1, 1e-4, 1_500_000, 40, 1);

    public boolean table() {
        return "table".equals(target);
    }

    /** Number of observed (training) entries: round(observed·d²). */
    public int nTrain() {
        return (int) Math.round(observed * d * (double) d);
    }
}
