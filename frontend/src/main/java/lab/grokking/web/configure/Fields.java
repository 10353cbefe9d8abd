package lab.grokking.web.configure;

import java.util.List;

/** The fields of each task's config as the form shows them: label, unit and meaning. The server's validation is the authority on ranges. */
public final class Fields {
    private Fields() {}

    public enum Kind { INTEGER, NUMBER, BOOLEAN, CHOICE }

    public record Field(String name, String label, Kind kind, String unit, String help, List<String> choices) {
        Field(String name, String label, Kind kind, String unit, String help) { this(name, label, kind, unit, help, List.of()); }
    }

    private static final List<Field> COMMON = List.of(
            new Field("alpha", "Init scale α", Kind.NUMBER, "×", "large α: long kernel phase; transition near ln(α)/(λη)"),
            new Field("lr", "Learning rate η", Kind.NUMBER, "", "full-batch gradient descent step"),
            new Field("weightDecay", "Weight decay λ", Kind.NUMBER, "", "coupled: θ ← θ − η(∇L + λθ); 0 turns the transition off"),
            new Field("steps", "Steps", Kind.INTEGER, "steps", "training steps; the server rejects runs above its work limit"),
            new Field("evalPerDecade", "Evaluations per decade", Kind.INTEGER, "rows", "log-spaced evaluation schedule"),
            new Field("seed", "Seed", Kind.INTEGER, "", "data and init; same config + seed + code → same numbers"));

    public static List<Field> of(String task) {
        List<Field> own = switch (task) {
            case "diag" -> List.of(
                    new Field("data", "Data", Kind.CHOICE, "", "sparse: grokking (Fig. 1a); gaussian: large L2 margin, misgrokking (Fig. 1b)", List.of("sparse", "gaussian")),
                    new Field("d", "Dimension d", Kind.INTEGER, "features", "input dimension"),
                    new Field("n", "Training samples n", Kind.INTEGER, "samples", "training set size"),
                    new Field("nTest", "Test samples", Kind.INTEGER, "samples", "test set size"),
                    new Field("k", "Support size k", Kind.INTEGER, "coordinates", "non-zeros of w* (sparse data; odd)"),
                    new Field("gamma", "Margin γ", Kind.NUMBER, "", "L2 margin added along w* (gaussian data)"),
                    new Field("depth", "Depth L", Kind.INTEGER, "layers", "f = ⟨u^L − v^L, x⟩"));
            case "mc" -> List.of(
                    new Field("target", "Target", Kind.CHOICE, "", "table: the multiplication table i·j/d² (Fig. 3); lowrank: a random symmetric rank-r matrix", List.of("table", "lowrank")),
                    new Field("d", "Matrix size d", Kind.INTEGER, "rows", "W is d × d"),
                    new Field("rank", "Rank r", Kind.INTEGER, "", "rank of the random target"),
                    new Field("observed", "Observed fraction", Kind.NUMBER, "of d²", "share of entries in the training set"),
                    new Field("sigma", "Init noise σ", Kind.NUMBER, "", "random perturbation of U = V = αI"));
            case "modadd" -> List.of(
                    new Field("p", "Modulus p", Kind.INTEGER, "", "labels (a + b) mod p over all p² pairs"),
                    new Field("trainFraction", "Training fraction", Kind.NUMBER, "of p²", "share of pairs in the training set"),
                    new Field("width", "Width h", Kind.INTEGER, "units", "hidden ReLU units"),
                    new Field("zeroLastLayer", "W₂ = 0 at init", Kind.BOOLEAN, "", "the kernel predictor is then random features"),
                    new Field("lossNormalised", "Loss-normalised steps (λ = 0)", Kind.BOOLEAN, "", "Fig. 4: steps of size η/L once ln L < switch"),
                    new Field("lrFactor", "Plain-step factor", Kind.NUMBER, "× η", "step size before the switch (loss-normalised runs)"),
                    new Field("logLossSwitch", "Switch at ln L", Kind.NUMBER, "", "loss-normalised steps start below this log-loss"));
            default -> throw new IllegalArgumentException("unknown task " + task);
        };
        return java.util.stream.Stream.concat(own.stream(), COMMON.stream()).toList();
    }
}
