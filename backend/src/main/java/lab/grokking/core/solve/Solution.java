package lab.grokking.core.solve;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A max-margin predictor. w is un-normalised, scaled so the minimum margin min_i y_i⟨w,x_i⟩ is 1; dual holds
 * the multipliers a_i ≥ 0 of the margin constraints (w = Σ a_i y_i x_i for L2).
 */
public record Solution(double[] w, double[] dual, Certificate certificate) {

    public double l1Norm() {
        return Arrays.stream(w).map(Math::abs).sum();
    }

    public double l2Norm() {
        return Math.sqrt(Arrays.stream(w).map(v -> v * v).sum());
    }

    /** Indices k with |w_k| > tol·max|w| (L1 solutions are sparse). */
    public int[] support(double tol) {
        double max = Arrays.stream(w).map(Math::abs).max().orElse(0);
        return IntStream.range(0, w.length)
                .filter(k -> Math.abs(w[k]) > tol * max)
                .toArray();
    }

    /** Number of positive multipliers: the support vectors. */
    public int supportVectors() {
        return (int) Arrays.stream(dual).filter(a -> a > 0).count();
    }
}
