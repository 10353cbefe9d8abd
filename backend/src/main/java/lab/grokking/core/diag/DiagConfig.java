package lab.grokking.core.diag;

import lab.grokking.core.config.RunConfig;

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
public record DiagConfig(
        String task,
        String data,
        int d,
        int n,
        int nTest,
        int k,
        double gamma,
        int depth,
        double alpha,
        double lr,
        double weightDecay,
        long steps,
        int evalPerDecade,
        long seed)
        implements RunConfig {
    /** The exact predictor solvers hold dense n×n matrices and cost O(n³) (a pivot basis, an active set). */
    public static final int MAX_N = 2048;

    public static final DiagConfig DEFAULTS =
            new DiagConfig(DiagSpec.NAME, "sparse", 100_000, 256, 10_000, 3, 25, 2, 128, 0.01, 1e-3, 2_000_000, 40, 1);

    public boolean sparse() {
        return "sparse".equals(data);
    }
}
