package lab.grokking.core.modadd;

import lab.grokking.core.config.RunConfig;

/**
 * Modular addition (a + b) mod p with a two-layer ReLU net f(x) = W₂·ReLU(W₁x + b₁) on one-hot(a) ‖ one-hot(b)
 * (paper §2, §4, Fig. 2 and Fig. 4). Defaults are Fig. 2a at paper scale: p = 97, 40 % of the p² pairs train,
 * h = 1024, He init ×1 with random W₂, η = 0.002, λ = 10⁻⁴, 10⁸ steps (far above the default work limit: a
 * paper-scale run needs a raised {@code groklab.maxWork} or fewer steps).
 *
 * @param task           {@link ModaddSpec#NAME}
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
public record ModaddConfig(
        String task,
        int p,
        double trainFraction,
        int width,
        double alpha,
        boolean zeroLastLayer,
        double lr,
        double weightDecay,
        boolean lossNormalised,
        double lrFactor,
        double logLossSwitch,
        long steps,
        int evalPerDecade,
        long seed)
        implements RunConfig {
    public static final int MAX_P = 1024, MAX_WIDTH = 16384;
    public static final ModaddConfig DEFAULTS =
            new ModaddConfig(ModaddSpec.NAME, 97, 0.4, 1024, 1, false, 0.002, 1e-4, false, 10, -5, 100_000_000, 40, 1);

    /** Training pairs: floor(trainFraction·p²), as the reference code's n_train = 3763 for p = 97. */
    public int nTrain() {
        return (int) Math.floor(trainFraction * p * (double) p + 1e-9);
    }

    public int nTest() {
        return p * p - nTrain();
    }
}
