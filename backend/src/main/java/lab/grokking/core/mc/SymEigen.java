package lab.grokking.core.mc;

import java.util.Arrays;

/**
 * Eigen-decomposition of a dense symmetric matrix (n ≤ a few hundred) in double: Householder reduction to
 * tridiagonal form, then the implicit QL method with Wilkinson-type shifts (the EISPACK tred2/tql2 pair,
 * as in JAMA). The work arrays are held in transposed layout so that every inner loop runs over a
 * contiguous row; eigenvectors come out as rows. Plain Java arithmetic only, so results are identical on
 * every JVM. Cost: about (4/3)n³ multiply-adds for eigenvalues only, about 6n³ with eigenvectors.
 *
 * <p>An instance holds its work space and is reused across calls (not thread-safe).
 */
public final class SymEigen {
    private final int n;
    /** Work matrix; after {@link #decompose} with vectors, row i is the unit eigenvector of {@link #values()}[i]. */
    private final double[][] v;

    private final double[] d, e;

    public SymEigen(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be ≥ 1: " + n);
        this.n = n;
        v = new double[n][n];
        d = new double[n];
        e = new double[n];
    }

    public int size() {
        return n;
    }

    /**
     * Decomposes the symmetric matrix a (row-major, n×n; only symmetric input is meaningful, it is not
     * checked). Eigenvalues ascend in {@link #values()}; with vectors, {@link #vector(int)} gives the matching
     * orthonormal eigenvectors. a is not modified.
     */
    public void decompose(double[] a, boolean vectors) {
        if (a.length != n * n) throw new IllegalArgumentException("expected " + n * n + " entries, got " + a.length);
        for (int i = 0; i < n; i++) System.arraycopy(a, i * n, v[i], 0, n);
        tred2(vectors);
        tql2(vectors);
        sort(vectors);
    }

    /** Eigenvalues in ascending order (the instance's array: copy it to keep it past the next call). */
    public double[] values() {
        return d;
    }

    /** Unit eigenvector i (the instance's array), valid after a decomposition with vectors. */
    public double[] vector(int i) {
        return v[i];
    }

    /** Eigenvalues of a symmetric matrix, ascending (a convenience that allocates). */
    public static double[] eigenvalues(double[] a, int n) {
        SymEigen s = new SymEigen(n);
        s.decompose(a, false);
        return s.values().clone();
    }

    /** Singular values of a symmetric matrix (|eigenvalues|) in descending order, into out. */
    public void singularValuesDescending(double[] out) {
        for (int i = 0; i < n; i++) out[i] = Math.abs(d[i]);
        Arrays.sort(out, 0, n);
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            double t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }

    // ---- EISPACK tred2, indices transposed: JAMA's V[x][y] is v[y][x] here ----

    private void tred2(boolean vectors) {
        for (int j = 0; j < n; j++) d[j] = v[j][n - 1];
        for (int i = n - 1; i > 0; i--) {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(d[k]);
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[j][i - 1];
                    v[j][i] = 0;
                    v[i][j] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    double[] vj = v[j];
                    v[i][j] = f;
                    g = e[j] + vj[j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += vj[k] * d[k];
                        e[k] += vj[k] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    double[] vj = v[j];
                    for (int k = j; k <= i - 1; k++) vj[k] -= f * e[k] + g * d[k];
                    d[j] = vj[i - 1];
                    vj[i] = 0;
                }
            }
            d[i] = h;
        }
        if (!vectors) {
            for (int j = 0; j < n; j++) d[j] = v[j][j];
            e[0] = 0;
            return;
        }
        for (int i = 0; i < n - 1; i++) {
            v[i][n - 1] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            double[] vi1 = v[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) d[k] = vi1[k] / h;
                for (int j = 0; j <= i; j++) {
                    double[] vj = v[j];
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += vi1[k] * vj[k];
                    for (int k = 0; k <= i; k++) vj[k] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) vi1[k] = 0;
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[j][n - 1];
            v[j][n - 1] = 0;
        }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    // ---- EISPACK tql2, eigenvectors as rows ----

    private void tql2(boolean vectors) {
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        final double eps = 0x1.0p-52;
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) break;
                m++;
            }
            if (m == n) m = n - 1; // e[n-1] = 0, so only reached through rounding; treat as converged block end
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > 60 * n) throw new ArithmeticException("QL iteration did not converge");
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    double el1 = e[l + 1];
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        if (vectors) {
                            double[] vi = v[i], vi1 = v[i + 1];
                            for (int k = 0; k < n; k++) {
                                double t = vi1[k];
                                vi1[k] = s * vi[k] + c * t;
                                vi[k] = c * vi[k] - s * t;
                            }
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    /** Selection sort, ascending; swaps eigenvector rows along (n ≤ a few hundred). */
    private void sort(boolean vectors) {
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                if (vectors) {
                    double[] t = v[i];
                    v[i] = v[k];
                    v[k] = t;
                }
            }
        }
    }

    /** √(a² + b²) without overflow, in plain arithmetic (reproducible on every JVM). */
    static double hypot(double a, double b) {
        a = Math.abs(a);
        b = Math.abs(b);
        if (a < b) {
            double t = a;
            a = b;
            b = t;
        }
        if (a == 0) return 0;
        double t = b / a;
        return a * Math.sqrt(1 + t * t);
    }
}
