package lab.grokking.core.solve;

/** Small dense kernels (n ≤ a few hundred) for the solvers: Cholesky solves and Gauss-Jordan inversion. */
final class DenseAlgebra {
    private DenseAlgebra() {}

    /** Solves L Lᵀ x = b in place (L lower triangular, rows may be ragged). */
    static void choleskySolve(double[][] l, double[] b, int k) {
        for (int i = 0; i < k; i++) {
            double s = b[i];
            double[] li = l[i];
            for (int m = 0; m < i; m++) s -= li[m] * b[m];
            b[i] = s / li[i];
        }
        for (int i = k - 1; i >= 0; i--) {
            double s = b[i];
            for (int m = i + 1; m < k; m++) s -= l[m][i] * b[m];
            b[i] = s / l[i][i];
        }
    }

    /** Inverse of the square matrix b (destroyed) by Gauss-Jordan with partial pivoting, or null if singular. */
    static double[][] invert(double[][] b) {
        int n = b.length;
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) inv[i][i] = 1;
        double scale = 0;
        for (double[] r : b) for (double v : r) scale = Math.max(scale, Math.abs(v));
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(b[r][c]) > Math.abs(b[p][c])) p = r;
            if (!(Math.abs(b[p][c]) > 1e-13 * scale)) return null;
            double[] t = b[p];
            b[p] = b[c];
            b[c] = t;
            t = inv[p];
            inv[p] = inv[c];
            inv[c] = t;
            double piv = 1 / b[c][c];
            double[] bc = b[c], ic = inv[c];
            for (int j = 0; j < n; j++) {
                bc[j] *= piv;
                ic[j] *= piv;
            }
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = b[r][c];
                if (f == 0) continue;
                double[] br = b[r], ir = inv[r];
                for (int j = 0; j < n; j++) {
                    br[j] -= f * bc[j];
                    ir[j] -= f * ic[j];
                }
            }
        }
        return inv;
    }
}
