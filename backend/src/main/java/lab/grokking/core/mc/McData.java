package lab.grokking.core.mc;

import lab.grokking.core.Rng;

/**
 * Ground truth, observed entries and test set of a matrix-completion run, generated from the config's seed.
 * Matrices are d×d, row-major.
 *
 * @param d          matrix size
 * @param target     X* (symmetric)
 * @param rows       row index of each observed entry, in the order drawn (a seeded permutation of the d² entries)
 * @param cols       column index of each observed entry
 * @param y          X* at each observed entry
 * @param observed   true at the observed (ordered) entries; every other entry is a test entry
 * @param known      true where (i, j) or (j, i) is observed: the entries the symmetric completions are pinned to
 * @param coherence  μ = (d/r)·max_i ‖row i of the eigenvector matrix‖² of X* (1 = perfectly incoherent, d/r = worst)
 */
public record McData(
        int d,
        double[] target,
        int[] rows,
        int[] cols,
        double[] y,
        boolean[] observed,
        boolean[] known,
        double coherence) {

    public static McData generate(McConfig cfg) {
        int d = cfg.d();
        double[] x;
        double coherence;
        if (cfg.table()) {
            x = table(d);
            double s = 0, max = 0;
            for (int i = 0; i < d; i++) {
                s += (double) i * i;
                max = Math.max(max, (double) i * i);
            }
            coherence = d * max / s; // eigenvector u/‖u‖ with u_i = i
        } else {
            double[][] q = orthonormalGaussian(d, cfg.rank(), cfg.seed());
            x = lowRank(q, cfg.seed(), d);
            double max = 0;
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (double[] col : q) s += col[i] * col[i];
                max = Math.max(max, s);
            }
            coherence = (double) d / cfg.rank() * max;
        }
        int n = cfg.nTrain();
        int[] perm = permutation(d * d, cfg.seed());
        int[] rows = new int[n], cols = new int[n];
        double[] y = new double[n];
        boolean[] observed = new boolean[d * d], known = new boolean[d * d];
        for (int k = 0; k < n; k++) {
            int idx = perm[k], i = idx / d, j = idx % d;
            rows[k] = i;
            cols[k] = j;
            y[k] = x[idx];
            observed[idx] = true;
            known[idx] = true;
            known[j * d + i] = true;
        }
        return new McData(d, x, rows, cols, y, observed, known, coherence);
    }

    /** X*_ij = i·j/d², i, j = 0..d−1. */
    static double[] table(int d) {
        double[] x = new double[d * d];
        double dd = (double) d * d;
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) x[i * d + j] = i * (double) j / dd;
        return x;
    }

    /** r orthonormal columns (Gram–Schmidt, twice for accuracy) of a seeded Gaussian d×r matrix. */
    static double[][] orthonormalGaussian(int d, int r, long seed) {
        Rng g = Rng.stream(seed, "mc-eigenvectors", 0);
        double[][] q = new double[r][d];
        for (int k = 0; k < r; k++) {
            for (int i = 0; i < d; i++) q[k][i] = g.nextGaussian();
            for (int pass = 0; pass < 2; pass++) {
                for (int m = 0; m < k; m++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += q[k][i] * q[m][i];
                    for (int i = 0; i < d; i++) q[k][i] -= dot * q[m][i];
                }
                double s = 0;
                for (int i = 0; i < d; i++) s += q[k][i] * q[k][i];
                double norm = Math.sqrt(s);
                if (norm < 1e-12) throw new IllegalStateException("degenerate Gaussian draw"); // probability 0
                for (int i = 0; i < d; i++) q[k][i] /= norm;
            }
        }
        return q;
    }

    /** Σ_k s_k q_k q_kᵀ with |s_k| = d/(3√r), s_0 > 0, other signs seeded. */
    static double[] lowRank(double[][] q, long seed, int d) {
        int r = q.length;
        Rng g = Rng.stream(seed, "mc-eigenvalues", 0);
        double mag = d / (3 * Math.sqrt(r));
        double[] x = new double[d * d];
        for (int k = 0; k < r; k++) {
            double s = k == 0 || g.nextBoolean() ? mag : -mag;
            double[] qk = q[k];
            for (int i = 0; i < d; i++) {
                double si = s * qk[i];
                for (int j = 0; j < d; j++) x[i * d + j] += si * qk[j];
            }
        }
        for (int i = 0; i < d; i++) for (int j = 0; j < i; j++) x[i * d + j] = x[j * d + i]; // exactly symmetric
        return x;
    }

    /** A seeded uniform permutation of 0..m−1 (Fisher–Yates). */
    static int[] permutation(int m, long seed) {
        Rng g = Rng.stream(seed, "mc-observed", 0);
        int[] p = new int[m];
        for (int i = 0; i < m; i++) p[i] = i;
        for (int i = m - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    public int nTrain() {
        return y.length;
    }

    public int nTest() {
        return d * d - y.length;
    }

    /** The kernel (early) predictor, Cor. 3.11: X* where (i, j) or (j, i) is observed, 0 elsewhere. */
    public double[] zeroFill() {
        double[] w = new double[d * d];
        for (int idx = 0; idx < w.length; idx++) if (known[idx]) w[idx] = target[idx];
        return w;
    }

    /** Mean squared error of the full matrix w over the observed entries. */
    public double trainMse(double[] w) {
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            double r = w[rows[k] * d + cols[k]] - y[k];
            s += r * r;
        }
        return s / y.length;
    }

    /** Mean squared error of the full matrix w over the test (unobserved) entries; NaN when all are observed. */
    public double testMse(double[] w) {
        double s = 0;
        for (int idx = 0; idx < w.length; idx++) {
            if (observed[idx]) continue;
            double r = w[idx] - target[idx];
            s += r * r;
        }
        int m = nTest();
        return m == 0 ? Double.NaN : s / m;
    }
}
