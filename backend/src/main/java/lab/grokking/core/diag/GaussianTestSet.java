package lab.grokking.core.diag;

import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.Rng;

/**
 * Gaussian-task test points, held by their coordinates in span{w*, predictors, w} (paper-scale 10⁴ × 10⁵
 * Gaussian points would be 4 GB). z ~ N(0, I_d) is rotation invariant, so the projections of a test
 * point onto an orthonormal basis are i.i.d. N(0, 1): point j has fixed coordinates G_j along the fixed
 * basis q_0 = w*, q_1.. (the predictors) and G_j,m along the direction of w outside it. Every output
 * ⟨v, x_j⟩ for v in the span is then exact, for an exact N(0, I) sample, at O(n_test) per evaluation.
 */
final class GaussianTestSet implements TestSet {
    private final double gammaHalf;
    private final double[][] basis;
    private final double[][] coords; // n_test × (basis.length + 1)
    private final double[] labels;

    GaussianTestSet(DiagConfig cfg, double[] wStar, double[]... fixed) {
        this.gammaHalf = cfg.gamma() / 2;
        List<double[]> q = new ArrayList<>();
        q.add(scaled(wStar, 1 / norm(wStar)));
        for (double[] f : fixed) {
            double[] r = residual(f, q);
            double rn = norm(r);
            if (rn > 1e-9 * norm(f)) q.add(scaled(r, 1 / rn));
        }
        this.basis = q.toArray(double[][]::new);
        int m = basis.length + 1;
        this.coords = new double[cfg.nTest()][m];
        this.labels = new double[cfg.nTest()];
        for (int j = 0; j < labels.length; j++) {
            Rng r = Rng.stream(cfg.seed(), "test", j);
            for (int b = 0; b < m; b++) coords[j][b] = r.nextGaussian();
            labels[j] = coords[j][0] > 0 ? 1 : -1; // y = sign⟨z, w*⟩ and q_0 = w*
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public double[] labels() {
        return labels;
    }

    @Override
    public void outputs(double[] w, double[] out) {
        int m = basis.length;
        double[] a = new double[m + 1];
        for (int b = 0; b < m; b++) a[b] = dot(w, basis[b]);
        a[m] = norm(residual(w, List.of(basis)));
        for (int j = 0; j < labels.length; j++) {
            double s = gammaHalf * labels[j] * a[0];
            for (int b = 0; b <= m; b++) s += a[b] * coords[j][b];
            out[j] = s;
        }
    }

    /** f minus its projection on the orthonormal q, twice (re-orthogonalised for accuracy). */
    private static double[] residual(double[] f, List<double[]> q) {
        double[] r = f.clone();
        for (int pass = 0; pass < 2; pass++)
            for (double[] b : q) {
                double c = dot(r, b);
                for (int k = 0; k < r.length; k++) r[k] -= c * b[k];
            }
        return r;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) s += a[k] * b[k];
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] scaled(double[] a, double s) {
        double[] o = new double[a.length];
        for (int k = 0; k < a.length; k++) o[k] = a[k] * s;
        return o;
    }
}
