package lab.grokking.core.solve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.grokking.core.linalg.Design;

/**
 * Max-L1-margin predictor w₁*: the LP min ‖w‖₁ s.t. y_i⟨w,x_i⟩ ≥ 1, solved exactly by column generation.
 *
 * <p>The restricted master over a working set J of coordinates, with w = p − q (p, q ≥ 0) and surplus e ≥ 0:
 * min Σ(p+q) s.t. Z_J(p − q) − e = 1, Z_ik = y_i x_ik / max|x|. It is solved by a dense revised dual simplex
 * (explicit basis inverse, periodic refactorisation, exact dual steepest edge, Harris ratio test) from the
 * all-surplus basis, which is dual feasible (π = 0). The dual simplex suits this LP: the primal optimum is
 * massively degenerate (most margins are tight, few coordinates nonzero), the dual much less so. Its duals a
 * price every column through r = Xᵀ(a⊙y); the most violated (|r_k| > 1) enter J and the master is
 * re-solved. At convergence a ≥ 0, ‖Xᵀ(a⊙y)‖∞ ≤ 1 and Σa = ‖w‖₁. A master without feasible point yields
 * a Farkas ray u ≥ 0 with Z_Jᵀu = 0, Σu = 1, priced the same way; if no column breaks it, the data is not
 * separable.
 */
public final class MaxL1Margin {
    private MaxL1Margin() {}

    static boolean DEBUG = Boolean.getBoolean("l1debug");
    private static final double PRICING_TOL = 1e-9;   // |r_k| ≤ 1 + tol counts as dual feasible
    static double NEAR = Double.parseDouble(System.getProperty("near", "0.9"));
    private static final double FARKAS_TOL = 1e-9;    // |Z_kᵀu| ≤ tol (Σu = 1, |Z| ≤ 1) counts as Zᵀu = 0

    public static Solution solve(Design x, double[] y) { return solve(x, y, -1, -1); }

    /** initialColumns / columnsPerRound: working-set sizes (negative: defaults); initialColumns = cols() solves the full LP. */
    static Solution solve(Design x, double[] y, int initialColumns, int columnsPerRound) {
        Margins.validate(x, y);
        int n = x.rows(), d = x.cols();
        int perRound = columnsPerRound > 0 ? columnsPerRound : Math.clamp(n, 50, 256);
        int k0 = Math.min(d, initialColumns >= 0 ? Math.max(1, initialColumns) : Math.max(2 * n, 64));

        double[] xty = new double[d];
        x.multiplyTransposed(y, xty);
        boolean[] inJ = new boolean[d];
        int[] first = top(xty, k0, inJ, -1);
        double scale = 0;
        double[] buf = new double[d];
        for (int i = 0; i < n; i++) {
            x.row(i, buf);
            for (int k = 0; k < d; k++) scale = Math.max(scale, Math.abs(buf[k]));
        }
        if (!(scale > 0)) throw Margins.notSeparable("every sample is the zero vector");

        Simplex lp = new Simplex(n);
        List<Integer> jIndex = new ArrayList<>();
        addColumns(x, y, first, scale, buf, lp, jIndex, inJ);
        double[] a = new double[n];
        for (int rounds = 1; ; rounds++) {
            long t0 = System.nanoTime();
            int pivots0 = lp.pivots;
            double[] ray = lp.solve();
            if (DEBUG) System.err.printf("round %d |J|=%d pivots=%d (%.2fs) obj=%.12g infeasible=%b%n", rounds, jIndex.size(),
                    lp.pivots - pivots0, (System.nanoTime() - t0) / 1e9, lp.objective(), ray != null);
            if (ray != null) {
                double[] r = Margins.weighted(x, y, ray);
                for (int k = 0; k < d; k++) r[k] /= scale;
                int[] enter = top(r, perRound, inJ, FARKAS_TOL);
                if (enter.length == 0) {
                    double maxR = 0;
                    for (double v : r) maxR = Math.max(maxR, Math.abs(v));
                    throw Margins.notSeparable("Farkas certificate u >= 0, sum u = 1, max_k |sum_i u_i y_i x_ik| / max|x| = " + maxR);
                }
                addColumns(x, y, enter, scale, buf, lp, jIndex, inJ);
                continue;
            }
            double[] pi = lp.duals();
            for (int i = 0; i < n; i++) a[i] = pi[i] / scale;
            double[] r = Margins.weighted(x, y, a);
            if (top(r, 1, inJ, 1 + PRICING_TOL).length == 0) break;
            // near-violators too: the master's duals are degenerate and would otherwise dodge them one round at a time
            int[] enter = top(r, perRound, inJ, NEAR);
            addColumns(x, y, enter, scale, buf, lp, jIndex, inJ);
        }

        lp.refactor();
        double[] pi = lp.refinedDuals();
        for (int i = 0; i < n; i++) a[i] = pi[i] / scale;
        double[] w = new double[d];
        for (int r = 0; r < n; r++) {
            int v = lp.head[r];
            if (v < n) continue;
            double val = lp.xB[r] / scale;
            w[jIndex.get((v - n) >> 1)] += ((v - n) & 1) == 0 ? val : -val;
        }
        double l1 = 0;
        for (double v : w) l1 += Math.abs(v);
        double sumA = Margins.sum(a);
        double maxR = 0;
        for (double v : Margins.weighted(x, y, a)) maxR = Math.max(maxR, Math.abs(v));
        double minMargin = Margins.minMargin(x, y, w);
        Certificate c = new Certificate(l1, sumA, l1 - sumA, Math.max(0, 1 - minMargin),
                Math.max(0, Math.max(-Margins.min(a), maxR - 1)), lp.pivots);
        return new Solution(w, a, c);
    }

    /** Copies columns ks of Z = diag(y)·X / scale into the master. */
    private static void addColumns(Design x, double[] y, int[] ks, double scale, double[] buf, Simplex lp, List<Integer> jIndex, boolean[] inJ) {
        int n = x.rows();
        double[][] cols = new double[ks.length][n];
        for (int i = 0; i < n; i++) {
            x.row(i, buf);
            for (int j = 0; j < ks.length; j++) cols[j][i] = y[i] * buf[ks[j]] / scale;
        }
        for (int j = 0; j < ks.length; j++) {
            lp.addColumn(cols[j]);
            jIndex.add(ks[j]);
            inJ[ks[j]] = true;
        }
    }

    /** Up to k indices not in exclude with |s_k| > min, largest |s_k| first. */
    static int[] top(double[] s, int k, boolean[] exclude, double min) {
        int cnt = 0;
        int[] cand = new int[s.length];
        for (int i = 0; i < s.length; i++) if (!exclude[i] && Math.abs(s[i]) > min) cand[cnt++] = i;
        if (cnt > k) {
            double[] v = new double[cnt];
            for (int c = 0; c < cnt; c++) v[c] = Math.abs(s[cand[c]]);
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            double thr = sorted[cnt - k];
            int[] out = new int[k];
            int m = 0;
            for (int c = 0; c < cnt && m < k; c++) if (v[c] > thr) out[m++] = cand[c];
            for (int c = 0; c < cnt && m < k; c++) if (v[c] == thr) out[m++] = cand[c];
            return out;
        }
        return Arrays.copyOf(cand, cnt);
    }

    /**
     * Dense revised dual simplex for the restricted master min cᵀx, Ax = 1, x ≥ 0. Variables: 0..n−1 surplus
     * e_i (column −e_i, cost 0), then for structural column j: p_j = n+2j (z_j, cost 1), q_j = n+2j+1 (−z_j, cost 1).
     */
    private static final class Simplex {
        private static final double PIVOT_TOL = 1e-9, FEAS_TOL = 1e-10, DUAL_TOL = 1e-11;
        final int n;
        double[] zs = new double[0];   // column j of Z_J at zs[j·n .. j·n+n)
        int m;
        final int[] head;
        int[] pos;
        double[] xB;
        double[][] binv;
        final double[] alpha, col;
        int pivots, sinceRefactor;

        Simplex(int n) {
            this.n = n;
            head = new int[n];
            pos = new int[n];
            alpha = new double[n];
            col = new double[n];
        }

        void addColumn(double[] z) {
            if (zs.length < (m + 1) * n) zs = Arrays.copyOf(zs, Math.max((m + 1) * n, 2 * zs.length));
            System.arraycopy(z, 0, zs, m * n, n);
            int v = n + 2 * m++;
            if (pos.length < v + 2) pos = Arrays.copyOf(pos, Math.max(v + 2, 2 * pos.length));
        }

        int vars() { return n + 2 * m; }

        double cost(int v) { return v < n ? 0 : 1; }

        void column(int v, double[] out) {
            if (v < n) {
                Arrays.fill(out, 0);
                out[v] = -1;
                return;
            }
            int o = ((v - n) >> 1) * n;
            double sign = ((v - n) & 1) == 0 ? 1 : -1;
            for (int i = 0; i < n; i++) out[i] = sign * zs[o + i];
        }

        double objective() {
            double o = 0;
            for (int r = 0; r < n; r++) o += cost(head[r]) * xB[r];
            return o;
        }

        /**
         * Dual simplex from the all-surplus basis. Returns null at the optimum, or a Farkas ray u ≥ 0, Σu = 1,
         * with |Z_jᵀu| ≲ tol for all j ∈ J, when the master has no feasible point.
         */
        double[] solve() {
            Arrays.fill(pos, 0, vars(), -1);
            for (int r = 0; r < n; r++) { head[r] = r; pos[r] = r; }
            refactor();
            int vars = vars();
            double[] rowA = new double[vars], dj = new double[vars];
            reducedCosts(dj);
            while (true) {
                if (sinceRefactor >= 100) { refactor(); reducedCosts(dj); }
                // leaving row: exact dual steepest edge, max x_r² / ‖e_rᵀB⁻¹‖²
                int leave = -1;
                double best = 0;
                for (int r = 0; r < n; r++) {
                    if (xB[r] >= -FEAS_TOL) continue;
                    double score = xB[r] * xB[r] / dot(binv[r], 0, binv[r], n);
                    if (score > best) { best = score; leave = r; }
                }
                if (leave < 0) {
                    if (sinceRefactor == 0) return null;
                    refactor();   // confirm feasibility on a fresh factorisation
                    reducedCosts(dj);
                    continue;
                }
                double[] rho = binv[leave];
                double tol = DUAL_TOL * (1 + dMax);
                // pivot row ρ·A_v; Harris pass 1 bounds the dual step with relaxed reduced costs
                double tMax = Double.POSITIVE_INFINITY;
                for (int v = 0; v < vars; v++) {
                    if (pos[v] >= 0) { rowA[v] = 0; continue; }
                    double arv;
                    if (v < n) arv = -rho[v];
                    else if (((v - n) & 1) == 0) { arv = dot(rho, (v - n) / 2 * n); rowA[v + 1] = -arv; }
                    else arv = rowA[v];
                    rowA[v] = arv;
                    if (arv < -PIVOT_TOL) tMax = Math.min(tMax, (Math.max(dj[v], 0) + tol) / -arv);
                }
                if (tMax == Double.POSITIVE_INFINITY) {   // x_r = ρ·1 < 0 while ρ·A ≥ 0: no feasible point
                    double[] u = new double[n];
                    double sum = 0;
                    for (int i = 0; i < n; i++) { u[i] = Math.max(0, -rho[i]); sum += u[i]; }
                    for (int i = 0; i < n; i++) u[i] /= sum;
                    return u;
                }
                // pass 2: the largest pivot among ratios within the bound
                int enter = -1;
                double bestA = 0;
                for (int v = 0; v < vars; v++)
                    if (rowA[v] < -PIVOT_TOL && Math.max(dj[v], 0) / -rowA[v] <= tMax && -rowA[v] > bestA) { bestA = -rowA[v]; enter = v; }
                double step = Math.max(dj[enter], 0) / bestA;
                for (int v = 0; v < vars; v++) if (rowA[v] != 0) dj[v] += step * rowA[v];
                dj[head[leave]] = step;
                dj[enter] = 0;
                column(enter, col);
                for (int r = 0; r < n; r++) alpha[r] = dot(binv[r], 0, col, n);
                pivot(leave, enter, xB[leave] / alpha[leave]);
            }
        }

        private double dMax;

        /** d_v = c_v − πᵀA_v for every variable (0 for basic ones). */
        private void reducedCosts(double[] dj) {
            double[] pi = duals();
            dMax = 0;
            for (double p : pi) dMax = Math.max(dMax, Math.abs(p));
            for (int v = 0; v < n; v++) dj[v] = pos[v] >= 0 ? 0 : pi[v];
            for (int j = 0; j < m; j++) {
                int v = n + 2 * j;
                double t = dot(pi, j * n);
                dj[v] = pos[v] >= 0 ? 0 : 1 - t;
                dj[v + 1] = pos[v + 1] >= 0 ? 0 : 1 + t;
            }
        }

        /** vec·z_j where z_j starts at offset in the column store. */
        private double dot(double[] vec, int offset) { return dot(vec, 0, zs, offset, n); }

        private static double dot(double[] a, int ao, double[] b, int n) { return dot(a, ao, b, 0, n); }

        /** Four accumulators: independent chains run about 3× faster than one. */
        private static double dot(double[] a, int ao, double[] b, int bo, int n) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 3 < n; i += 4) {
                s0 += a[ao + i] * b[bo + i];
                s1 += a[ao + i + 1] * b[bo + i + 1];
                s2 += a[ao + i + 2] * b[bo + i + 2];
                s3 += a[ao + i + 3] * b[bo + i + 3];
            }
            for (; i < n; i++) s0 += a[ao + i] * b[bo + i];
            return (s0 + s1) + (s2 + s3);
        }

        /** Basis change: enter replaces the basic variable of row leave; alpha = B⁻¹A_enter. */
        private void pivot(int leave, int enter, double theta) {
            for (int r = 0; r < n; r++) xB[r] -= theta * alpha[r];
            xB[leave] = theta;
            double[] bl = binv[leave];
            double inv = 1 / alpha[leave];
            for (int i = 0; i < n; i++) bl[i] *= inv;
            for (int r = 0; r < n; r++) {
                double f = alpha[r];
                if (r == leave || f == 0) continue;
                double[] br = binv[r];
                for (int i = 0; i < n; i++) br[i] -= f * bl[i];
            }
            pos[head[leave]] = -1;
            head[leave] = enter;
            pos[enter] = leave;
            sinceRefactor++;
            if (DEBUG && pivots % 1000 == 0) System.err.printf("  pivot %d obj=%.12g theta=%g%n", pivots, objective(), theta);
            if (++pivots > 1_000_000) throw new IllegalStateException("L1 simplex exceeded " + pivots + " pivots");
        }

        /** Rebuilds B⁻¹ from scratch and x_B = B⁻¹·1 with one refinement step. */
        void refactor() {
            double[][] b = new double[n][n];
            for (int r = 0; r < n; r++) {
                column(head[r], col);
                for (int i = 0; i < n; i++) b[i][r] = col[i];
            }
            double[][] copy = new double[n][];
            for (int i = 0; i < n; i++) copy[i] = b[i].clone();
            double[][] inv = DenseAlgebra.invert(copy);
            if (inv == null) throw new IllegalStateException("L1 simplex basis became singular");
            binv = inv;
            double[] one = new double[n];
            Arrays.fill(one, 1);
            xB = multiply(binv, one);
            double[] res = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 1;
                for (int r = 0; r < n; r++) s -= b[i][r] * xB[r];
                res[i] = s;
            }
            double[] dx = multiply(binv, res);
            for (int r = 0; r < n; r++) xB[r] += dx[r];
            sinceRefactor = 0;
        }

        private static double[] multiply(double[][] m, double[] v) {
            double[] out = new double[v.length];
            for (int r = 0; r < m.length; r++) {
                double s = 0;
                double[] mr = m[r];
                for (int i = 0; i < v.length; i++) s += mr[i] * v[i];
                out[r] = s;
            }
            return out;
        }

        /** π = c_Bᵀ B⁻¹. */
        double[] duals() {
            double[] pi = new double[n];
            for (int r = 0; r < n; r++) {
                double c = cost(head[r]);
                if (c == 0) continue;
                double[] br = binv[r];
                for (int i = 0; i < n; i++) pi[i] += c * br[i];
            }
            return pi;
        }

        /** π with one refinement step on πᵀB = c_B. */
        double[] refinedDuals() {
            double[] pi = duals(), res = new double[n];
            for (int r = 0; r < n; r++) {
                column(head[r], col);
                double s = cost(head[r]);
                for (int i = 0; i < n; i++) s -= col[i] * pi[i];
                res[r] = s;
            }
            for (int r = 0; r < n; r++) {
                if (res[r] == 0) continue;
                double[] br = binv[r];
                for (int i = 0; i < n; i++) pi[i] += res[r] * br[i];
            }
            return pi;
        }
    }
}
