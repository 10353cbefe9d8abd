package lab.grokking.core.solve;

import java.util.Arrays;
import lab.grokking.core.linalg.Design;

/**
 * Max-L2-margin predictor w₂* (hard-margin SVM without bias): min ½‖w‖² s.t. y_i⟨w,x_i⟩ ≥ 1.
 *
 * <p>Solved as least-distance programming (Lawson & Hanson, ch. 23): with Q_ij = y_i y_j ⟨x_i,x_j⟩ the
 * NNLS problem min_{u≥0} ½uᵀ(Q/σ + 11ᵀ)u − 1ᵀu is solved exactly by the Lawson-Hanson active-set method,
 * whose passive set keeps a positive-definite system even when Q is singular (n > d, duplicate points).
 * Then a = u / (σ(1 − Σu)) is the SVM dual; Σu = 1 means 0 lies in the convex hull of the y_i x_i, i.e. the
 * data is not separable. σ is re-chosen so that Σu ≈ ½, which keeps the division well conditioned.
 */
public final class MaxL2Margin {
    private MaxL2Margin() {}

    /** Relative 1 − Σu below which the data is declared non-separable (normalised margin ≲ 3e-7). */
    private static final double SEPARABILITY_TOL = 1e-13;

    public static Solution solve(Design x, double[] y) {
        Margins.validate(x, y);
        int n = x.rows();
        double[][] q = new double[n][n];
        double maxDiag = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) q[i][j] = q[j][i] = y[i] * y[j] * x.dot(i, j);
            maxDiag = Math.max(maxDiag, q[i][i]);
        }
        if (!(maxDiag > 0)) throw Margins.notSeparable("every sample is the zero vector");

        double sigma = maxDiag;
        Nnls r = null;
        int steps = 0;
        for (int pass = 0; ; pass++) {
            r = Nnls.solve(q, sigma, r == null ? null : r.u); // the support does not depend on σ: warm start
            steps += r.steps;
            double rest = 1 - r.sum;
            if (!(rest > SEPARABILITY_TOL))
                throw Margins.notSeparable("0 lies in the convex hull of the y_i x_i (1 - sum u = " + rest + ")");
            if ((rest >= 0.1 && rest <= 0.9) || pass == 3) break;
            sigma *= rest / r.sum; // next pass: Σa·σ ≈ 1, so Σu ≈ ½
        }
        double rest = 1 - r.sum;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.u[i] / (sigma * rest);

        double[] w = Margins.weighted(x, y, a);
        double ww = 0;
        for (double v : w) ww += v * v;
        double sumA = Margins.sum(a);
        double minMargin = Margins.minMargin(x, y, w);
        Certificate c = new Certificate(
                0.5 * ww, sumA - 0.5 * ww, ww - sumA, Math.max(0, 1 - minMargin), Math.max(0, -Margins.min(a)), steps);
        if (!(c.maxPrimalViolation() <= 1e-6) || !Double.isFinite(ww))
            throw Margins.notSeparable(
                    "margin below double-precision resolution (min margin of the candidate " + minMargin + ")");
        return new Solution(w, a, c);
    }

    /**
     * Lawson-Hanson NNLS on H = Q/σ + 11ᵀ, right-hand side 1, in Gram form. The Cholesky factor of H_PP
     * over the passive set P grows by one row per added index (O(|P|²)) and is rebuilt only when the
     * inner loop drops indices.
     */
    private static final class Nnls {
        final int n;
        final double[][] h, l;
        final int[] idx; // passive set, in factor order
        final boolean[] passive;
        int k;
        double[] u;
        double sum;
        int steps;

        private Nnls(double[][] q, double sigma) {
            n = q.length;
            h = new double[n][n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) h[i][j] = q[i][j] / sigma + 1;
            l = new double[n][];
            idx = new int[n];
            passive = new boolean[n];
            u = new double[n];
        }

        /** start: a previous solution whose support is tried as the initial passive set (it does not depend on σ). */
        static Nnls solve(double[][] q, double sigma, double[] start) {
            Nnls s = new Nnls(q, sigma);
            if (start != null) s.warmStart(start);
            s.run();
            return s;
        }

        private void warmStart(double[] start) {
            for (int i = 0; i < n; i++)
                if (start[i] > 0 && !append(i)) {
                    clear();
                    return;
                }
            double[] z = solveP();
            for (int p = 0; p < k; p++)
                if (!(z[p] > 0)) {
                    clear();
                    return;
                }
            for (int p = 0; p < k; p++) u[idx[p]] = z[p];
        }

        private void run() {
            double[] g = new double[n];
            boolean[] skip = new boolean[n];
            int maxSteps = 20 * n + 100;
            gradient(g);
            while (true) {
                int t = -1;
                for (int i = 0; i < n; i++)
                    if (!passive[i] && !skip[i] && g[i] > 1e-12 && (t < 0 || g[i] > g[t])) t = i;
                if (t < 0) break;
                if (++steps > maxSteps)
                    throw new IllegalStateException("L2 active set did not converge in " + maxSteps + " steps");
                if (!append(t)) {
                    skip[t] = true;
                    continue;
                }
                for (boolean first = true; ; first = false) {
                    double[] z = solveP();
                    // rounding may make the entering index look useless: drop it until the set changes
                    if (first && !(z[k - 1] > 0)) {
                        k--;
                        passive[t] = false;
                        skip[t] = true;
                        break;
                    }
                    boolean allPositive = true;
                    for (int p = 0; p < k; p++) allPositive &= z[p] > 0;
                    if (allPositive) {
                        for (int p = 0; p < k; p++) u[idx[p]] = z[p];
                        Arrays.fill(skip, false);
                        break;
                    }
                    // move toward z until the first passive coordinate hits 0, then drop the zeros
                    double alpha = Double.POSITIVE_INFINITY;
                    int leave = -1;
                    for (int p = 0; p < k; p++)
                        if (z[p] <= 0) {
                            double a = u[idx[p]] / (u[idx[p]] - z[p]);
                            if (a < alpha) {
                                alpha = a;
                                leave = idx[p];
                            }
                        }
                    for (int p = 0; p < k; p++) u[idx[p]] += alpha * (z[p] - u[idx[p]]);
                    u[leave] = 0;
                    int[] keep = new int[k];
                    int kept = 0;
                    for (int p = 0; p < k; p++)
                        if (u[idx[p]] > 0) keep[kept++] = idx[p];
                        else u[idx[p]] = 0;
                    clear();
                    for (int p = 0; p < kept; p++)
                        if (!append(keep[p]))
                            throw new IllegalStateException("L2 active set lost positive definiteness");
                }
                gradient(g);
            }
            refine();
            sum = Margins.sum(u);
        }

        /** Adds i to P, extending the factor by one row; false (P unchanged) if H_PP would not be positive definite. */
        private boolean append(int i) {
            double[] row = new double[k + 1];
            for (int p = 0; p < k; p++) {
                double t = h[i][idx[p]];
                for (int m = 0; m < p; m++) t -= row[m] * l[p][m];
                row[p] = t / l[p][p];
            }
            double d = h[i][i];
            for (int p = 0; p < k; p++) d -= row[p] * row[p];
            if (!(d > 1e-13 * h[i][i])) return false;
            row[k] = Math.sqrt(d);
            l[k] = row;
            idx[k++] = i;
            passive[i] = true;
            return true;
        }

        private void clear() {
            for (int p = 0; p < k; p++) passive[idx[p]] = false;
            k = 0;
        }

        /** z = H_PP⁻¹·1 in factor order. */
        private double[] solveP() {
            double[] b = new double[k];
            Arrays.fill(b, 1);
            DenseAlgebra.choleskySolve(l, b, k);
            return b;
        }

        /** One step of iterative refinement of H_PP u_P = 1, kept if it keeps u_P > 0. */
        private void refine() {
            double[] res = new double[k];
            for (int p = 0; p < k; p++) {
                double r = 1;
                for (int m = 0; m < k; m++) r -= h[idx[p]][idx[m]] * u[idx[m]];
                res[p] = r;
            }
            DenseAlgebra.choleskySolve(l, res, k);
            for (int p = 0; p < k; p++) if (!(u[idx[p]] + res[p] > 0)) return;
            for (int p = 0; p < k; p++) u[idx[p]] += res[p];
        }

        private void gradient(double[] g) {
            for (int i = 0; i < n; i++) {
                double s = 1;
                double[] hi = h[i];
                for (int p = 0; p < k; p++) s -= hi[idx[p]] * u[idx[p]];
                g[i] = s;
            }
        }
    }
}
