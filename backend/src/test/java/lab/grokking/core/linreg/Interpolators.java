package lab.grokking.core.linreg;

import java.util.Arrays;

/** The two predictors of the task: the minimum-L2-norm and the minimum-L1-norm solutions of Xw = y. */
final class Interpolators {
    private Interpolators() {}

    /** w = D·Xᵀ(X·D·Xᵀ)⁻¹y for the diagonal weights D (all ones: the minimum-L2-norm interpolator). */
    static double[] weighted(double[] x, double[] y, int n, int d, double[] diag) {
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) s += x[i * d + c] * diag[c] * x[j * d + c];
                g[i * n + j] = g[j * n + i] = s;
            }
        double[] a = solve(g, y.clone(), n);
        double[] w = new double[d];
        for (int c = 0; c < d; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += x[i * d + c] * a[i];
            w[c] = diag[c] * s;
        }
        return w;
    }

    static double[] minL2(double[] x, double[] y, int n, int d) {
        double[] ones = new double[d];
        Arrays.fill(ones, 1);
        return weighted(x, y, n, d, ones);
    }

    /**
     * Minimum L1 norm by iteratively reweighted least squares (D = |w| + ε, ε shrinking): each iterate interpolates
     * exactly, and the L1 norm decreases to the basis-pursuit optimum for the well-posed problems this task draws.
     */
    static double[] minL1(double[] x, double[] y, int n, int d) {
        double[] w = minL2(x, y, n, d), diag = new double[d];
        double eps = 1;
        for (int it = 0; it < 200 && eps > 1e-12; it++) {
            for (int c = 0; c < d; c++) diag[c] = Math.abs(w[c]) + eps;
            double[] next = weighted(x, y, n, d, diag);
            double change = 0;
            for (int c = 0; c < d; c++) change = Math.max(change, Math.abs(next[c] - w[c]));
            w = next;
            if (change < 1e-3 * eps) eps /= 10;
        }
        return w;
    }

    /** Solves the symmetric positive definite system a·z = b by Cholesky (a and b are overwritten). */
    static double[] solve(double[] a, double[] b, int n) {
        for (int j = 0; j < n; j++) {
            double s = a[j * n + j];
            for (int k = 0; k < j; k++) s -= a[j * n + k] * a[j * n + k];
            if (!(s > 0))
                throw new IllegalStateException("the Gram matrix is singular: the samples are linearly dependent");
            double l = Math.sqrt(s);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++) {
                double t = a[i * n + j];
                for (int k = 0; k < j; k++) t -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = t / l;
            }
        }
        for (int i = 0; i < n; i++) {
            double t = b[i];
            for (int k = 0; k < i; k++) t -= a[i * n + k] * b[k];
            b[i] = t / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double t = b[i];
            for (int k = i + 1; k < n; k++) t -= a[k * n + i] * b[k];
            b[i] = t / a[i * n + i];
        }
        return b;
    }
}
