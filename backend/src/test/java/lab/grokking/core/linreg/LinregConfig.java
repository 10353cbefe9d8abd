package lab.grokking.core.linreg;

import lab.grokking.core.config.RunConfig;

/**
 * Diagonal linear regression, the worked example of a task plug-in (CONTRIBUTING.md): f(x) = ⟨u∘u − v∘v, x⟩ on
 * Gaussian x with labels y = ⟨w*, x⟩ of a k-sparse w* (entries ±1), squared loss, GD with coupled weight decay
 * from u = v = α/√(2d). From a large α it first fits the data like the minimum-L2-norm interpolator (the kernel
 * predictor), then near step ln(α)/(λη) moves to the minimum-L1-norm interpolator, which recovers w*: grokking.
 *
 * @param d     input dimension
 * @param n     training samples
 * @param k     non-zeros of w*
 * @param alpha initial parameter norm ‖θ(0)‖₂
 */
public record LinregConfig(
        String task,
        int d,
        int n,
        int k,
        double alpha,
        double lr,
        double weightDecay,
        long steps,
        int evalPerDecade,
        long seed)
        implements RunConfig {
    public static final LinregConfig DEFAULTS =
            new LinregConfig(LinregSpec.NAME, 100, 30, 3, 10, 0.02, 1e-3, 300_000, 20, 1);
}
