package lab.grokking.core.solve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.grokking.core.linalg.Design;

/**
 * Max-L1-margin predictor w₁*: the LP min ‖w‖₁ s.t. y_i⟨w,x_i⟩ ≥ 1, solved exactly by column generation.
 *
 * <p>The restricted master over a working set J of coordinates, with w = p − q (p, q ≥ 0) and surplus e ≥ 0:
 * min Σ(p+q) s.t. Z_J(p − q) − e = 1, Z_ik = y_i x_ik / max|x|, is solved by a dense revised dual simplex
 * (explicit basis inverse, periodic refactorisation, exact dual steepest edge, Harris ratio test). The dual
 * simplex suits this LP: the primal optimum is massively degenerate (most margins tight, few coordinates
 * nonzero), which stalls a primal simplex. Its duals a price every column through r = Xᵀ(a⊙y); the violated
 * (|r_k| > 1) and near-violated ones enter J and the master is re-solved from the previous basis. At
 * convergence a ≥ 0, ‖Xᵀ(a⊙y)‖∞ ≤ 1 and Σa = ‖w‖₁. A master without feasible point yields a Farkas ray
 * u ≥ 0, Σu = 1, Z_Jᵀu = 0, priced the same way; if no column breaks it, the data is not separable.
 */
public final class MaxL1Margin {
    private MaxL1Margin() {}

    private static final double PRICING_TOL = 1e-9; // |r_k| ≤ 1 + tol counts as dual feasible
    private static final double FARKAS_TOL = 1e-9; // |Z_kᵀu| ≤ tol (Σu = 1, |Z| ≤ 1) counts as Zᵀu = 0
    private static final double NEAR = 0.9; // columns with |r_k| > NEAR join J along with the violators

    public static Solution solve(Design x, double[] y) {
        return solve(x, y, -1, -1);
    }

    /** initialColumns / columnsPerRound: working-set sizes (≤ 0: defaults); initialColumns = cols() solves the full LP at once. */
    static Solution solve(Design x, double[] y, int initialColumns, int columnsPerRound) {
        Margins.validate(x, y);
        int n = x.rows(), d = x.cols();
        int perRound = columnsPerRound > 0 ? columnsPerRound : Math.clamp(n, 50, 256);
        int k0 = Math.min(d, initialColumns > 0 ? initialColumns : Math.max(4 * n, 64));

        double[] xty = new double[d], buf = new double[d];
        x.multiplyTransposed(y, xty);
        boolean[] inJ = new boolean[d];
        double[] maxAbs = {0};
        int[] first = top(xty, k0, inJ, -1);
        double[][] firstCols = columns(x, y, first, buf, maxAbs);
        double scale = maxAbs[0];
        if (!(scale > 0)) throw Margins.notSeparable("every sample is the zero vector");

        Simplex lp = new Simplex(n);
        List<Integer> jIndex = new ArrayList<>();
        add(lp, first, firstCols, scale, jIndex, inJ);
        double[] a = new double[n];
        while (true) {
            double[] ray = lp.solve();
            if (ray != null) { // master infeasible: a column that breaks the Farkas ray may restore feasibility
                double[] r = Margins.weighted(x, y, ray);
                for (int k = 0; k < d; k++) r[k] /= scale;
                int[] enter = top(r, perRound, inJ, FARKAS_TOL);
                if (enter.length == 0) {
                    double maxR = 0;
                    for (double v : r) maxR = Math.max(maxR, Math.abs(v));
                    throw Margins.notSeparable(
                            "Farkas certificate u >= 0, sum u = 1, max_k |sum_i u_i y_i x_ik| / max|x| = " + maxR);
                }
                add(lp, enter, columns(x, y, enter, buf, null), scale, jIndex, inJ);
                continue;
            }
            double[] pi = lp.duals();
            for (int i = 0; i < n; i++) a[i] = pi[i] / scale;
            double[] r = Margins.weighted(x, y, a);
            if (top(r, 1, inJ, 1 + PRICING_TOL).length == 0) break;
            // near-violators too: the master's duals are degenerate and would otherwise dodge them one round at a time
            int[] enter = top(r, perRound, inJ, NEAR);
            add(lp, enter, columns(x, y, enter, buf, null), scale, jIndex, inJ);
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
        Certificate c = new Certificate(
                l1,
                sumA,
                l1 - sumA,
                Math.max(0, 1 - minMargin),
                Math.max(0, Math.max(-Margins.min(a), maxR - 1)),
                lp.pivots);
        return new Solution(w, a, c);
    }

    /** Columns ks of Z = diag(y)·X (one pass over the rows); maxAbs, if given, receives max|x_ik| over all of X. */
    private static double[][] columns(Design x, double[] y, int[] ks, double[] buf, double[] maxAbs) {
        int n = x.rows();
        double[][] cols = new double[ks.length][n];
        for (int i = 0; i < n; i++) {
            x.row(i, buf);
            for (int j = 0; j < ks.length; j++) cols[j][i] = y[i] * buf[ks[j]];
            if (maxAbs != null) for (double v : buf) maxAbs[0] = Math.max(maxAbs[0], Math.abs(v));
        }
        return cols;
    }

    private static void add(Simplex lp, int[] ks, double[][] cols, double scale, List<Integer> jIndex, boolean[] inJ) {
        for (int j = 0; j < ks.length; j++) {
            for (int i = 0; i < cols[j].length; i++) cols[j][i] /= scale;
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
        double[] zs = new double[0]; // column j of Z_J at zs[j·n .. j·n+n)
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
            pos[v] = pos[v + 1] = -1;
        }

        int vars() {
            return n + 2 * m;
        }

        double cost(int v) {
            return v < n ? 0 : 1;
        }

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

        private double[] rowA = new double[0], dj = new double[0];
        private boolean warm; // the basis is optimal for an earlier J
        private boolean[] atUpper = new boolean[0];
        private double upper = Double.POSITIVE_INFINITY; // box p, q ≤ upper, used only by the warm start

        /**
         * Solves the master: null at the optimum, or a Farkas ray u ≥ 0, Σu = 1, |Z_jᵀu| ≲ tol for all j ∈ J,
         * when it has no feasible point.
         *
         * <p>From scratch the dual simplex starts at the all-surplus basis, which is dual feasible (π = 0).
         * After new columns, the previous optimal basis stays dual feasible once each new variable with a
         * negative reduced cost is parked at an upper bound U = 2·(previous optimum): the box cannot bind at
         * the new optimum (value ≤ the previous one < U), so the dual simplex on the boxed master solves the
         * true one, typically in far fewer pivots. A primal simplex pass then clears rounding-level dual
         * infeasibilities.
         */
        double[] solve() {
            int vars = vars();
            rowA = new double[vars];
            dj = new double[vars];
            atUpper = new boolean[vars];
            if (warm) {
                refactor();
                reducedCosts();
                double obj = 0;
                for (int r = 0; r < n; r++) obj += cost(head[r]) * xB[r];
                upper = 2 * obj + 1e-9;
                double tol = DUAL_TOL * (1 + dMax);
                for (int v = n; v < vars; v++) atUpper[v] = pos[v] < 0 && dj[v] < -tol;
                refactor();
                double[] ray = dual();
                boolean boxFree = true;
                for (int v = 0; v < vars; v++) boxFree &= !atUpper[v];
                upper = Double.POSITIVE_INFINITY;
                if (ray == null && boxFree) {
                    refactor();
                    reducedCosts();
                    primal();
                    return null;
                }
                Arrays.fill(atUpper, false); // numerical trouble: start over
            }
            Arrays.fill(pos, 0, vars, -1);
            for (int r = 0; r < n; r++) {
                head[r] = r;
                pos[r] = r;
            }
            refactor();
            reducedCosts();
            double[] ray = dual();
            warm = ray == null;
            if (warm) primal();
            return ray;
        }

        /** Primal simplex from a primal feasible basis (Dantzig pricing, Harris ratio, Bland after 50 degenerate pivots). */
        private void primal() {
            int degenerate = 0;
            boolean bland = false;
            while (true) {
                if (sinceRefactor >= 100) {
                    refactor();
                    reducedCosts();
                }
                double tol = DUAL_TOL * (1 + dMax), best = -tol;
                int enter = -1;
                for (int v = 0; v < dj.length && !(bland && enter >= 0); v++)
                    if (pos[v] < 0 && dj[v] < best) {
                        best = dj[v];
                        enter = v;
                    }
                if (enter < 0) {
                    if (sinceRefactor == 0) return;
                    refactor(); // confirm optimality on a fresh factorisation
                    reducedCosts();
                    continue;
                }
                loadAlpha(enter);
                int leave = bland ? blandRatio() : harrisRatio();
                if (leave < 0)
                    throw new IllegalStateException("L1 master unbounded (cannot happen: costs are nonnegative)");
                double theta = Math.max(0, xB[leave] / alpha[leave]);
                pivotRow(binv[leave]);
                double f = dj[enter] / alpha[leave];
                for (int v = 0; v < dj.length; v++) if (rowA[v] != 0) dj[v] -= f * rowA[v];
                dj[head[leave]] = -f;
                dj[enter] = 0;
                pivot(leave, enter, theta, theta, false);
                if (theta <= 1e-12) {
                    if (++degenerate > 50) bland = true;
                } else {
                    degenerate = 0;
                    bland = false;
                }
            }
        }

        /** Dual simplex from a dual feasible basis (with the box when upper < ∞): null once primal feasible, else a Farkas ray. */
        private double[] dual() {
            int vars = dj.length;
            while (true) {
                if (sinceRefactor >= 100) {
                    refactor();
                    reducedCosts();
                }
                // leaving row: exact dual steepest edge, max infeasibility² / ‖e_rᵀB⁻¹‖²
                int leave = -1;
                double best = 0;
                boolean toUpper = false;
                for (int r = 0; r < n; r++) {
                    double infeasible =
                            xB[r] < -FEAS_TOL ? -xB[r] : head[r] >= n && xB[r] > upper + FEAS_TOL ? xB[r] - upper : 0;
                    if (infeasible == 0) continue;
                    double score = infeasible * infeasible / dot(binv[r], 0, binv[r], n);
                    if (score > best) {
                        best = score;
                        leave = r;
                        toUpper = xB[r] > 0;
                    }
                }
                if (leave < 0) {
                    if (sinceRefactor == 0) return null;
                    refactor(); // confirm feasibility on a fresh factorisation
                    reducedCosts();
                    continue;
                }
                double[] rho = binv[leave];
                double tol = DUAL_TOL * (1 + dMax), s = toUpper ? 1 : -1;
                pivotRow(rho);
                // candidates move x_r toward its violated bound; |d_v| / |α_rv| is the dual step they allow.
                // Harris: pass 1 bounds the step with relaxed reduced costs, pass 2 takes the largest pivot within it
                double tMax = Double.POSITIVE_INFINITY;
                for (int v = 0; v < vars; v++) {
                    double a = atUpper[v] ? -s * rowA[v] : s * rowA[v];
                    if (a > PIVOT_TOL) tMax = Math.min(tMax, (slack(v) + tol) / a);
                }
                if (tMax == Double.POSITIVE_INFINITY) { // x_r = ρ·1 < 0 while ρ·A ≥ 0: no feasible point
                    double[] u = new double[n];
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        u[i] = Math.max(0, s * rho[i]);
                        sum += u[i];
                    }
                    for (int i = 0; i < n; i++) u[i] /= sum;
                    return u;
                }
                int enter = -1;
                double bestA = 0;
                for (int v = 0; v < vars; v++) {
                    double a = atUpper[v] ? -s * rowA[v] : s * rowA[v];
                    if (a > PIVOT_TOL && slack(v) / a <= tMax && a > bestA) {
                        bestA = a;
                        enter = v;
                    }
                }
                double f = (atUpper[enter] ? Math.min(dj[enter], 0) : Math.max(dj[enter], 0)) / rowA[enter];
                for (int v = 0; v < vars; v++) if (rowA[v] != 0) dj[v] -= f * rowA[v];
                dj[head[leave]] = -f;
                dj[enter] = 0;
                loadAlpha(enter);
                double theta = (xB[leave] - (toUpper ? upper : 0)) / alpha[leave];
                pivot(leave, enter, theta, (atUpper[enter] ? upper : 0) + theta, toUpper);
            }
        }

        /** How far d_v may move before v's bound becomes dual infeasible. */
        private double slack(int v) {
            return atUpper[v] ? Math.max(-dj[v], 0) : Math.max(dj[v], 0);
        }

        /** rowA_v = ρ·A_v for nonbasic v, 0 for basic v. */
        private void pivotRow(double[] rho) {
            for (int v = 0; v < n; v++) rowA[v] = pos[v] >= 0 ? 0 : -rho[v];
            for (int j = 0; j < m; j++) {
                int v = n + 2 * j;
                boolean pb = pos[v] >= 0, qb = pos[v + 1] >= 0;
                double t = pb && qb ? 0 : dot(rho, j * n);
                rowA[v] = pb ? 0 : t;
                rowA[v + 1] = qb ? 0 : -t;
            }
        }

        private void loadAlpha(int enter) {
            column(enter, col);
            for (int r = 0; r < n; r++) alpha[r] = dot(binv[r], 0, col, n);
        }

        /** Harris two-pass ratio test: among near-minimal ratios take the largest pivot. */
        private int harrisRatio() {
            double thetaMax = Double.POSITIVE_INFINITY;
            for (int r = 0; r < n; r++)
                if (alpha[r] > PIVOT_TOL) thetaMax = Math.min(thetaMax, (Math.max(xB[r], 0) + FEAS_TOL) / alpha[r]);
            int leave = -1;
            for (int r = 0; r < n; r++)
                if (alpha[r] > PIVOT_TOL
                        && Math.max(xB[r], 0) / alpha[r] <= thetaMax
                        && (leave < 0 || alpha[r] > alpha[leave])) leave = r;
            return leave;
        }

        /** Textbook minimum ratio, ties to the smallest variable index (Bland). */
        private int blandRatio() {
            int leave = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < n; r++) {
                if (alpha[r] <= PIVOT_TOL) continue;
                double ratio = Math.max(xB[r], 0) / alpha[r];
                if (leave < 0 || ratio < best - 1e-12 || (ratio <= best + 1e-12 && head[r] < head[leave])) {
                    best = Math.min(best, ratio);
                    leave = r;
                }
            }
            return leave;
        }

        private double dMax;

        /** d_v = c_v − πᵀA_v for every variable (0 for basic ones). */
        private void reducedCosts() {
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
        private double dot(double[] vec, int offset) {
            return dot(vec, 0, zs, offset, n);
        }

        private static double dot(double[] a, int ao, double[] b, int n) {
            return dot(a, ao, b, 0, n);
        }

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

        /** Basis change: enter (new value value) replaces row leave, whose variable leaves at 0 or at the upper bound; alpha = B⁻¹A_enter. */
        private void pivot(int leave, int enter, double theta, double value, boolean leavesAtUpper) {
            for (int r = 0; r < n; r++) xB[r] -= theta * alpha[r];
            xB[leave] = value;
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
            atUpper[head[leave]] = leavesAtUpper;
            head[leave] = enter;
            pos[enter] = leave;
            atUpper[enter] = false;
            sinceRefactor++;
            if (++pivots > 1_000_000) throw new IllegalStateException("L1 simplex exceeded " + pivots + " pivots");
        }

        /** Rebuilds B⁻¹ from scratch and x_B (nonbasic at their bounds) with one refinement step. */
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
            double[] rhs = new double[n]; // 1 − Σ_{v at upper} U·A_v
            Arrays.fill(rhs, 1);
            for (int v = n; v < atUpper.length; v++) {
                if (!atUpper[v]) continue;
                column(v, col);
                for (int i = 0; i < n; i++) rhs[i] -= upper * col[i];
            }
            xB = multiply(binv, rhs);
            double[] res = new double[n];
            for (int i = 0; i < n; i++) {
                double s = rhs[i];
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
