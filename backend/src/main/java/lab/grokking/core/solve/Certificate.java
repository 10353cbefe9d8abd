package lab.grokking.core.solve;

/**
 * Optimality evidence for a max-margin solution, recomputed from the data in double: primal feasibility
 * (every margin y_i⟨w,x_i⟩ ≥ 1), dual feasibility and the duality gap. Together they prove optimality.
 *
 * @param primalObjective    ½‖w‖² (L2) or ‖w‖₁ (L1)
 * @param dualObjective      Σa − ½‖w‖² (L2) or Σa (L1)
 * @param dualityGap         primal − dual (≥ 0 up to rounding)
 * @param maxPrimalViolation max(0, 1 − min_i y_i⟨w,x_i⟩)
 * @param maxDualViolation   max(0, −min a) (L2); max(0, −min a, ‖Xᵀ(a⊙y)‖∞ − 1) (L1)
 * @param iterations         solver steps (active-set steps for L2, simplex pivots for L1)
 */
public record Certificate(
        double primalObjective,
        double dualObjective,
        double dualityGap,
        double maxPrimalViolation,
        double maxDualViolation,
        int iterations) {

    /** |gap| relative to the larger objective. */
    public double relativeGap() {
        double scale = Math.max(Math.abs(primalObjective), Math.abs(dualObjective));
        return scale == 0 ? Math.abs(dualityGap) : Math.abs(dualityGap) / scale;
    }

    /** Feasible within tol (margins and dual constraints are unit-scaled) and relative gap within tol. */
    public boolean optimal(double tol) {
        return maxPrimalViolation <= tol && maxDualViolation <= tol && relativeGap() <= tol;
    }
}
