package lab.grokking.core.modadd;

/**
 * The early (kernel) predictor. With W₂ = 0 at init only the W₂ block of the tangent features is non-zero, and it
 * is the hidden activation φ(x) = ReLU(W₁x + b₁) at init, so the kernel predictor is a random-features model:
 * scores = Wφ(x) with W the minimum-norm least-squares fit of the one-hot targets (an interpolation when the
 * features allow it, n ≤ h). Solved in double by Cholesky on the smaller Gram matrix (ΦᵀΦ when h ≤ n, else ΦΦᵀ),
 * with a ridge of 10⁻¹⁰·trace/dim standing in for the pseudo-inverse. Features at α·θ̄ are α·φ, which changes no
 * prediction. With a random W₂ at init the tangent kernel has more blocks; this is then only a reference.
 */
final class RandomFeatures {
    private RandomFeatures() {}

    /** {train accuracy, test accuracy} of the fit; features are rows of h floats. */
    static double[] accuracies(float[] phi, int n, int[] y, float[] phiTest, int nt, int[] yTest, int h, int p) {
        double[][] scoresTrain = new double[1][], scoresTest = new double[1][];
        if (h <= n) {
            double[] g = new double[h * h], r = new double[h * p];
            for (int i = 0; i < n; i++) {
                int o = i * h;
                for (int k = 0; k < h; k++) {
                    double v = phi[o + k];
                    if (v == 0) continue; // ReLU: about half the features are 0
                    int gk = k * h;
                    for (int l = k; l < h; l++) g[gk + l] += v * phi[o + l];
                    r[k * p + y[i]] += v;
                }
            }
            for (int k = 0; k < h; k++) for (int l = 0; l < k; l++) g[k * h + l] = g[l * h + k];
            solve(g, h, r, p);
            scoresTrain[0] = scores(phi, n, h, r, p);
            scoresTest[0] = scores(phiTest, nt, h, r, p);
        } else {
            double[] k = new double[n * n], c = new double[n * p];
            for (int i = 0; i < n; i++)
                for (int j = i; j < n; j++) k[i * n + j] = k[j * n + i] = dot(phi, i, phi, j, h);
            double[] kTrain = k.clone();
            for (int i = 0; i < n; i++) c[i * p + y[i]] = 1;
            solve(k, n, c, p);
            scoresTrain[0] = kernelScores(kTrain, n, n, c, p);
            double[] kt = new double[nt * n];
            for (int t = 0; t < nt; t++) for (int i = 0; i < n; i++) kt[t * n + i] = dot(phiTest, t, phi, i, h);
            scoresTest[0] = kernelScores(kt, nt, n, c, p);
        }
        return new double[] {accuracy(scoresTrain[0], y, p), accuracy(scoresTest[0], yTest, p)};
    }

    private static double dot(float[] a, int i, float[] b, int j, int h) {
        double s = 0;
        for (int k = 0; k < h; k++) s += (double) a[i * h + k] * b[j * h + k];
        return s;
    }

    private static double[] scores(float[] phi, int m, int h, double[] w, int p) {
        double[] out = new double[m * p];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < h; k++) {
                double v = phi[i * h + k];
                if (v == 0) continue;
                for (int j = 0; j < p; j++) out[i * p + j] += v * w[k * p + j];
            }
        }
        return out;
    }

    private static double[] kernelScores(double[] k, int m, int n, double[] c, int p) {
        double[] out = new double[m * p];
        for (int t = 0; t < m; t++)
            for (int i = 0; i < n; i++) {
                double v = k[t * n + i];
                for (int j = 0; j < p; j++) out[t * p + j] += v * c[i * p + j];
            }
        return out;
    }

    private static double accuracy(double[] s, int[] y, int p) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            int arg = 0;
            for (int j = 1; j < p; j++) if (s[i * p + j] > s[i * p + arg]) arg = j;
            if (arg == y[i]) ok++;
        }
        return ok / (double) y.length;
    }

    /** Solves (A + εI) X = B in place (A m×m symmetric PSD, destroyed; B m×q becomes X), raising ε until Cholesky succeeds. */
    static void solve(double[] a, int m, double[] b, int q) {
        double trace = 0;
        for (int i = 0; i < m; i++) trace += a[i * m + i];
        double eps = Math.max(1e-10 * trace / m, Double.MIN_NORMAL);
        double[] l = new double[a.length];
        while (!cholesky(a, m, eps, l)) eps *= 100;
        for (int c = 0; c < q; c++) {
            for (int i = 0; i < m; i++) {
                double s = b[i * q + c];
                for (int k = 0; k < i; k++) s -= l[i * m + k] * b[k * q + c];
                b[i * q + c] = s / l[i * m + i];
            }
            for (int i = m - 1; i >= 0; i--) {
                double s = b[i * q + c];
                for (int k = i + 1; k < m; k++) s -= l[k * m + i] * b[k * q + c];
                b[i * q + c] = s / l[i * m + i];
            }
        }
    }

    private static boolean cholesky(double[] a, int m, double eps, double[] l) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * m + j] + (i == j ? eps : 0);
                for (int k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
                if (i == j) {
                    if (!(s > 0)) return false;
                    l[i * m + i] = Math.sqrt(s);
                } else {
                    l[i * m + j] = s / l[j * m + j];
                }
            }
        }
        return true;
    }
}
