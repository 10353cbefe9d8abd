package lab.grokking.core.mc;

import java.util.Arrays;
import lab.grokking.core.solve.Certificate;

/**
 * Minimum-nuclear-norm symmetric completion, the late predictor of matrix completion (paper §3.3.3, App. F):
 * <pre>  min ‖W‖_*  s.t.  W = Wᵀ,  W_ij = M_ij for (i, j) ∈ K</pre>
 * with K the symmetric set of known entries. Solved by ADMM on the split Z = W (Z carries the nuclear norm,
 * W the constraints): Z ← SVT_{1/ρ}(W − Y) (a symmetric eigen-decomposition with soft-thresholded
 * eigenvalues), W ← projection of Z + Y onto the constraints, Y ← Y + Z − W, with over-relaxation and
 * residual balancing of ρ.
 *
 * <p>Stopping certificate: every W iterate is feasible by construction, so ‖W‖_* is an upper bound on the
 * optimum; the scaled multiplier Λ = −ρY is supported on K (the W step zeroes it elsewhere), and
 * Λ/max(1, ‖Λ‖₂) is feasible for the dual problem max ⟨Λ, M⟩_K s.t. ‖Λ‖₂ ≤ 1, Λ supported on K, so its
 * value is a lower bound. The solver stops when the relative duality gap is ≤ tol. The gap bounds the
 * objective; where ‖W‖_* is flat around the minimiser (it can grow only quadratically along some directions),
 * W itself can be about √gap away from it.
 */
public final class NuclearCompletion {
    /** Iteration cap (also used in work estimates). */
    public static final int MAX_ITERATIONS = 3000;
    /** Default relative duality gap. */
    public static final double TOLERANCE = 1e-7;

    private static final int CHECK_EVERY = 10;
    private static final double RELAX = 1.6;

    /**
     * @param w           the completion (d×d, row-major, exactly symmetric and exactly equal to M on K)
     * @param certificate primal ‖W‖_*, dual lower bound, gap; maxPrimalViolation = max |W − M| on K (0),
     *                    maxDualViolation = max(0, ‖Λ‖₂ − 1) of the unscaled multiplier
     * @param converged   whether the relative gap reached the tolerance
     */
    public record Result(double[] w, Certificate certificate, boolean converged) {}

    private NuclearCompletion() {}

    public static Result solve(int d, boolean[] known, double[] m) {
        return solve(d, known, m, TOLERANCE, MAX_ITERATIONS);
    }

    /**
     * @param known symmetric mask of pinned entries
     * @param m     values (read on known entries only; must be symmetric there)
     */
    public static Result solve(int d, boolean[] known, double[] m, double tol, int maxIterations) {
        int dd = d * d;
        double[] w = new double[dd],
                y = new double[dd],
                z = new double[dd],
                x = new double[dd],
                wOld = new double[dd],
                lam = new double[dd];
        for (int i = 0; i < dd; i++) if (known[i]) w[i] = m[i];
        SymEigen eig = new SymEigen(d);
        eig.decompose(w, false);
        double spec0 = Math.max(Math.abs(eig.values()[0]), Math.abs(eig.values()[d - 1]));
        if (spec0 == 0) // M = 0 on K: W = 0 is optimal
        return new Result(w, new Certificate(0, 0, 0, 0, 0, 0), true);
        final double rho0 = 10 / spec0; // threshold 1/ρ: a tenth of the zero-fill's spectral norm
        double rho = rho0;
        Certificate cert = null;
        int it = 0;
        boolean converged = false;
        double[] shrunk = new double[d];
        while (it < maxIterations) {
            it++;
            for (int i = 0; i < dd; i++) x[i] = w[i] - y[i];
            eig.decompose(x, true);
            double tau = 1 / rho;
            double[] ev = eig.values();
            Arrays.fill(z, 0);
            for (int k = 0; k < d; k++) {
                double l = ev[k], s = l > tau ? l - tau : l < -tau ? l + tau : 0;
                shrunk[k] = s;
                if (s == 0) continue;
                double[] q = eig.vector(k);
                for (int i = 0; i < d; i++) {
                    double sq = s * q[i];
                    int o = i * d;
                    for (int j = 0; j < d; j++) z[o + j] += sq * q[j];
                }
            }
            symmetrize(z, d);
            System.arraycopy(w, 0, wOld, 0, dd);
            double r2 = 0, s2 = 0;
            for (int i = 0; i < dd; i++) {
                double zh = RELAX * z[i] + (1 - RELAX) * wOld[i];
                double wi = known[i] ? m[i] : zh + y[i];
                w[i] = wi;
                y[i] += zh - wi;
                double r = z[i] - wi, s = wi - wOld[i];
                r2 += r * r;
                s2 += s * s;
            }
            double pri = Math.sqrt(r2), dual = rho * Math.sqrt(s2);
            if (it % CHECK_EVERY == 0 || it == maxIterations) {
                cert = certificate(d, known, m, w, y, rho, eig, lam, it);
                if (cert.relativeGap() <= tol) {
                    converged = true;
                    break;
                }
            }
            // residual balancing, within 10⁶ of the start (a W that cannot move, e.g. fully observed, has dual residual
            // 0)
            if (pri > 10 * dual && rho < 1e6 * rho0) {
                rho *= 2;
                for (int i = 0; i < dd; i++) y[i] /= 2;
            } else if (dual > 10 * pri && rho > 1e-6 * rho0) {
                rho /= 2;
                for (int i = 0; i < dd; i++) y[i] *= 2;
            }
        }
        return new Result(w, cert, converged);
    }

    /** Primal ‖W‖_*, dual value of Λ = −ρY scaled into the unit spectral ball, and their gap. */
    static Certificate certificate(
            int d,
            boolean[] known,
            double[] m,
            double[] w,
            double[] y,
            double rho,
            SymEigen eig,
            double[] lam,
            int it) {
        int dd = d * d;
        eig.decompose(w, false);
        double primal = 0;
        for (double v : eig.values()) primal += Math.abs(v);
        for (int i = 0; i < dd; i++) lam[i] = known[i] ? -rho * y[i] : 0;
        symmetrize(lam, d);
        double inner = 0, violation = 0;
        for (int i = 0; i < dd; i++) {
            if (known[i]) {
                inner += lam[i] * m[i];
                violation = Math.max(violation, Math.abs(w[i] - m[i]));
            }
        }
        eig.decompose(lam, false);
        double spec = Math.max(Math.abs(eig.values()[0]), Math.abs(eig.values()[d - 1]));
        double dual = inner / Math.max(1, spec);
        return new Certificate(primal, dual, primal - dual, violation, Math.max(0, spec - 1), it);
    }

    /** Averages a with its transpose, making it exactly symmetric. */
    static void symmetrize(double[] a, int d) {
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (a[i * d + j] + a[j * d + i]);
                a[i * d + j] = s;
                a[j * d + i] = s;
            }
        }
    }
}
