package lab.grokking.core.task;

import java.util.List;

/** The fields every task of the paper shares (init scale, GD, schedule, seed), stated once; each task picks its limits. */
public final class CommonFields {
    private CommonFields() {}

    /** Largest seed: every seed is exactly representable in a JSON double. */
    public static final long MAX_SEED = (1L << 53) - 1;

    public static FieldSpec alpha(double max) {
        return FieldSpec.number(
                "alpha", "Init scale α", "×", "large α: long kernel phase; transition near ln(α)/(λη)", 0, true, max);
    }

    public static FieldSpec lr() {
        return FieldSpec.number("lr", "Learning rate η", "", "full-batch gradient descent step", 0, true, 100);
    }

    public static FieldSpec weightDecay() {
        return FieldSpec.number(
                "weightDecay",
                "Weight decay λ",
                "",
                "coupled: θ ← θ − η(∇L + λθ); 0 turns the transition off",
                0,
                false,
                10);
    }

    public static FieldSpec steps(long max) {
        return FieldSpec.integer(
                "steps", "Steps", "steps", "training steps; the server rejects runs above its work limit", 1, max);
    }

    public static FieldSpec evalPerDecade() {
        return FieldSpec.integer(
                "evalPerDecade", "Evaluations per decade", "rows", "log-spaced evaluation schedule", 1, 1000);
    }

    public static FieldSpec seed() {
        return FieldSpec.integer(
                "seed", "Seed", "", "data and init; same config + seed + code → same numbers", 0, MAX_SEED);
    }

    /** The training fields after a task's own, in form order. */
    public static List<FieldSpec> training(double maxAlpha, long maxSteps) {
        return List.of(alpha(maxAlpha), lr(), weightDecay(), steps(maxSteps), evalPerDecade(), seed());
    }
}
