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
        for (int pass = 0; pass < 4; pass++) {
            r = Nnls.solve(q, sigma, r == null ? null : r.u);   // the support does not depend on σ: warm start
            steps += r.steps;
            double rest = 1 - r.sum;
            if (!(rest > SEPARABILITY_TOL))
                throw Margins.notSeparable("0 lies in the convex hull of the y_i x_i (1 - sum u = " + rest + ")");
            if (rest >= 0.1 && rest <= 0.9) break;
            sigma *= rest / r.sum;   // next pass: Σa·σ ≈ 1, so Σu ≈ ½
        }
        double rest = 1 - r.sum;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.u[i] / (sigma * rest);

        double[] w = Margins.weighted(x, y, a);
        double ww = 0;
        for (double v : w) ww += v * v;
        double sumA = Margins.sum(a);
        double minMargin = Margins.minMargin(x, y, w);
        Certificate c = new Certificate(0.5 * ww, sumA - 0.5 * ww, ww - sumA,
                Math.max(0, 1 - minMargin), Math.max(0, -Margins.min(a)), steps);
        if (!(c.maxPrimalViolation() <= 1e-6) || !Double.isFinite(ww))
            throw Margins.notSeparable("margin below double-precision resolution (min margin of the candidate " + minMargin + ")");
        return new Solution(w, a, c);
    }

    /** Lawson-Hanson NNLS on H = Q/σ + 11ᵀ, right-hand side 1, in Gram form. */
    private static final class Nnls {
        double[] u;
        double sum;
        int steps;

        /** start: a previous solution whose support is tried as the initial passive set. */
        static Nnls solve(double[][] q, double sigma, double[] start) {
            int n = q.length;
            double[][] h = new double[n][n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) h[i][j] = q[i][j] / sigma + 1;
            double[] u = new double[n], z = new double[n], g = new double[n];
            boolean[] passive = new boolean[n], skip = new boolean[n];
            int[] idx = new int[n];
            double[][] chol = null;
            int k = 0, steps = 0, maxSteps = 20 * n + 100;
            if (start != null) {
                for (int i = 0; i < n; i++) passive[i] = start[i] > 0;
                k = collect(passive, idx);
                chol = DenseAlgebra.cholesky(h, idx, k);
                double[] b = new double[k];
                Arrays.fill(b, 1);
                if (chol != null) DenseAlgebra.choleskySolve(chol, b, k);
                boolean ok = chol != null;
                for (int p = 0; p < k; p++) ok &= b[p] > 0;
                if (ok) for (int p = 0; p < k; p++) u[idx[p]] = b[p];
                else Arrays.fill(passive, false);
            }
            gradient(h, u, g);
            while (true) {
                int t = -1;
                for (int i = 0; i < n; i++) if (!passive[i] && !skip[i] && g[i] > 1e-12 && (t < 0 || g[i] > g[t])) t = i;
                if (t < 0) break;
                if (++steps > maxSteps) throw new IllegalStateException("L2 active set did not converge in " + maxSteps + " steps");
                passive[t] = true;
                boolean first = true;
                while (true) {
                    k = collect(passive, idx);
                    chol = DenseAlgebra.cholesky(h, idx, k);
                    double[] b = new double[k];
                    if (chol != null) {
                        Arrays.fill(b, 1);
                        DenseAlgebra.choleskySolve(chol, b, k);
                    }
                    // rounding may make the entering index look useless: exclude it until the set changes
                    if (first && (chol == null || b[indexOf(idx, k, t)] <= 0)) {
                        passive[t] = false;
                        skip[t] = true;
                        k = collect(passive, idx);
                        chol = null;
                        break;
                    }
                    if (chol == null) throw new IllegalStateException("L2 active set lost positive definiteness");
                    first = false;
                    Arrays.fill(z, 0);
                    boolean allPositive = true;
                    for (int p = 0; p < k; p++) { z[idx[p]] = b[p]; allPositive &= b[p] > 0; }
                    if (allPositive) {
                        System.arraycopy(z, 0, u, 0, n);
                        Arrays.fill(skip, false);
                        break;
                    }
                    double alpha = Double.POSITIVE_INFINITY;
                    int leave = -1;
                    for (int p = 0; p < k; p++) {
                        int i = idx[p];
                        if (z[i] <= 0) {
                            double s = u[i] / (u[i] - z[i]);
                            if (s < alpha) { alpha = s; leave = i; }
                        }
                    }
                    for (int i = 0; i < n; i++) if (passive[i]) u[i] += alpha * (z[i] - u[i]);
                    u[leave] = 0;
                    for (int i = 0; i < n; i++) if (passive[i] && u[i] <= 0) { passive[i] = false; u[i] = 0; }
                }
                gradient(h, u, g);
            }
            // one step of iterative refinement on the final passive system
            k = collect(passive, idx);
            if (k > 0) {
                chol = DenseAlgebra.cholesky(h, idx, k);
                if (chol != null) {
                    double[] res = new double[k];
                    for (int p = 0; p < k; p++) {
                        double s = 1;
                        for (int m = 0; m < k; m++) s -= h[idx[p]][idx[m]] * u[idx[m]];
                        res[p] = s;
                    }
                    DenseAlgebra.choleskySolve(chol, res, k);
                    boolean ok = true;
                    for (int p = 0; p < k; p++) ok &= u[idx[p]] + res[p] > 0;
                    if (ok) for (int p = 0; p < k; p++) u[idx[p]] += res[p];
                }
            }
            Nnls r = new Nnls();
            r.u = u;
            r.sum = Margins.sum(u);
            r.steps = steps;
            return r;
        }

        private static void gradient(double[][] h, double[] u, double[] g) {
            int n = u.length;
            for (int i = 0; i < n; i++) {
                double s = 1;
                double[] hi = h[i];
                for (int j = 0; j < n; j++) if (u[j] != 0) s -= hi[j] * u[j];
                g[i] = s;
            }
        }

        private static int collect(boolean[] passive, int[] idx) {
            int k = 0;
            for (int i = 0; i < passive.length; i++) if (passive[i]) idx[k++] = i;
            return k;
        }

        private static int indexOf(int[] idx, int k, int t) {
            for (int p = 0; p < k; p++) if (idx[p] == t) return p;
            throw new IllegalStateException();
        }
    }
}
