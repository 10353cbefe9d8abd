package lab.grokking.core.diag;

import lab.grokking.core.config.Checks;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.linalg.SignDesign;

/**
 * Diagonal linear net f(x) = ⟨u^L − v^L, x⟩ on sparse ±1 data (Fig. 1a) or large-L2-margin Gaussian data
 * (Fig. 1b). Defaults are Fig. 1a at paper scale (paper §5; η from the reference code).
 *
 * @param data          "sparse": x uniform on {±1}^d, y = sign⟨w*, x⟩ with k non-zero ±1 coordinates;
 *                      "gaussian": z ~ N(0, I), w* uniform on the sphere, y = sign⟨z, w*⟩, x = z + (γ/2)·y·w*
 * @param d             input dimension
 * @param n             training samples
 * @param nTest         test samples
 * @param k             support size of w* (sparse data; odd so labels are never 0)
 * @param gamma         margin γ (gaussian data)
 * @param depth         L, the power in u^L − v^L
 * @param alpha         initial parameter norm ‖θ(0)‖₂ (u = v = α/√(2d))
 * @param lr            GD step size η
 * @param weightDecay   coupled L2 weight decay λ
 * @param steps         GD steps
 * @param evalPerDecade evaluation points per decade of steps (after every step up to 10)
 * @param seed          seed of data and test set
 */
public record DiagConfig(String task, String data, int d, int n, int nTest, int k, double gamma, int depth, double alpha,
                         double lr, double weightDecay, long steps, int evalPerDecade, long seed) implements RunConfig {
    public static final String TASK = "diag";
    /** The exact predictor solvers hold dense n×n matrices and cost O(n³) (a pivot basis, an active set). */
    public static final int MAX_N = 2048;
    public static final DiagConfig DEFAULTS = new DiagConfig(TASK, "sparse", 100_000, 256, 10_000, 3, 25, 2, 128, 0.01, 1e-3, 2_000_000, 40, 1);

    public boolean sparse() { return "sparse".equals(data); }

    @Override
    public void validate(Limits limits) {
        Checks c = new Checks();
        if (!TASK.equals(task)) c.fail("task", "must be '" + TASK + "'");
        if (!"sparse".equals(data) && !"gaussian".equals(data)) c.fail("data", "must be 'sparse' or 'gaussian', got " + (data == null ? "null" : "'" + data + "'"));
        c.range("d", d, 1, 10_000_000).range("n", n, 1, MAX_N).range("nTest", nTest, 1, 1_000_000)
                .range("depth", depth, 1, 8).range("alpha", alpha, 0, true, 1e6).range("lr", lr, 0, true, 100)
                .range("weightDecay", weightDecay, 0, false, 10).range("steps", steps, 1, 1_000_000_000)
                .range("evalPerDecade", evalPerDecade, 1, 1000).range("seed", seed, 0, (1L << 53) - 1);
        if (sparse()) {
            if (d >= 1) c.range("k", k, 1, Math.min(d, 10_001));
            if (k % 2 == 0) c.fail("k", "must be odd so that sign⟨w*, x⟩ is never 0, got " + k);
        } else {
            c.range("gamma", gamma, 0, false, 1e6);
        }
        if (c.problems().isEmpty()) {
            long mem = memoryBytes();
            if (mem > limits.maxMemoryBytes())
                c.fail("n, d", "need ~" + (mem >> 20) + " MiB (n·d = " + (long) n * d + (sparse() ? " bits" : " floats")
                        + "), above the memory limit of " + (limits.maxMemoryBytes() >> 20) + " MiB");
            if (work() > limits.maxWork())
                c.fail("steps", String.format("the run needs ~%.2g multiply-adds (steps × 2nd plus evaluations), above the work limit of %.2g", work(), limits.maxWork()));
        }
        c.throwIfAny();
    }

    @Override
    public DiagTask newTask() { return new DiagTask(this); }

    @Override
    public long memoryBytes() {
        long pad = (long) SignDesign.wordsFor(d) * 64;
        // sparse: the packed bits plus the kernels' row and column layouts (≈1.07× the bits each)
        long train = sparse() ? (long) n * pad / 8 * 33 / 10 : (long) n * pad * 4;
        long vectors = 12L * pad * 8; // u, v, w, gradient, predictors and their float copies
        long test = sparse() ? (long) Math.min(nTest, DiagTask.TEST_CHUNK) * pad / 8 * 2 : 0;
        long perSample = (long) (n + nTest) * 8 * 8; // labels, margins, predictor outputs, solver state
        long solver = (long) n * n * 8 * 5; // Gram matrix, active-set factors, simplex basis inverse and its refactorisation
        return train + vectors + test + perSample + solver;
    }

    @Override
    public double work() {
        double evals = new lab.grokking.core.LogSchedule(steps, evalPerDecade).size();
        double solvers = 50.0 * n * n * n + (double) n * n * d; // dense O(n³) factorisations, the Gram matrix, pricing rounds
        return steps * 2.0 * n * d + evals * (double) nTest * (sparse() ? d : 4) + solvers;
    }
}
