package lab.grokking.core.solve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import lab.grokking.core.linalg.Design;

/**
 * Max-L1-margin predictor w₁*: the LP min ‖w‖₁ s.t. y_i⟨w,x_i⟩ ≥ 1, solved exactly by column generation.
 *
 * <p>The restricted master over a working set J of coordinates, with w = p − q (p, q ≥ 0), surplus e ≥ 0 and
 * big-M artificials s ≥ 0 (so every master is feasible from the all-artificial basis):
 * min Σ(p+q) + M·Σs s.t. Z_J(p − q) − e + s = 1, Z_ik = y_i x_ik. It is solved by a dense revised primal
 * simplex (explicit basis inverse, periodic refactorisation, Harris ratio test, Bland's rule after a run of
 * degenerate pivots). Its duals a price every column through r = Xᵀ(a⊙y); the most violated (|r_k| > 1)
 * enter J. At convergence a is dual feasible for the full LP (a ≥ 0, ‖Xᵀ(a⊙y)‖∞ ≤ 1) with Σa = ‖w‖₁.
 * An artificial left in the optimal basis means ‖w₁*‖₁ ≥ M or infeasibility; M grows until a cap, past
 * which the data is declared non-separable.
 */
public final class MaxL1Margin {
    private MaxL1Margin() {}

    static boolean DEBUG = Boolean.getBoolean("l1debug");
    private static final double PRICING_TOL = 1e-9;   // |r_k| ≤ 1 + tol counts as dual feasible
    private static final double M_START = 1e3, M_CAP = 1e9;   // in units where max|x_ik| = 1

    public static Solution solve(Design x, double[] y) { return solve(x, y, -1, -1); }

    /** initialColumns / columnsPerRound: working-set sizes (negative: defaults); initialColumns = cols() solves the full LP. */
    static Solution solve(Design x, double[] y, int initialColumns, int columnsPerRound) {
        Margins.validate(x, y);
        int n = x.rows(), d = x.cols();
        int perRound = columnsPerRound > 0 ? columnsPerRound : Math.clamp(n / 2, 50, 200);
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
        double bigM = M_START;
        int rounds = 0;
        double[] a = new double[n];
        while (true) {
            rounds++;
            long tt = System.nanoTime(); int pv = lp.pivots;
            lp.optimize(bigM);
            if (DEBUG) System.err.printf("round %d M=%g |J|=%d pivots=%d (%.2fs) obj=%.12g art=%b%n", rounds, bigM, jIndex.size(), lp.pivots - pv, (System.nanoTime()-tt)/1e9, lp.objective(), lp.artificialInBasis());
            double[] pi = lp.duals();
            for (int i = 0; i < n; i++) a[i] = pi[i] / scale;
            double[] r = Margins.weighted(x, y, a);
            int[] enter = top(r, perRound, inJ, 1 + PRICING_TOL);
            if (enter.length > 0) {
                addColumns(x, y, enter, scale, buf, lp, jIndex, inJ);
                continue;
            }
            if (lp.artificialInBasis()) {
                if (bigM >= M_CAP) throw Margins.notSeparable("no w with ||w||_1 < " + M_CAP / scale + " satisfies all margins (penalised LP keeps a violated margin)");
                bigM *= 100;
                continue;
            }
            break;
        }

        lp.refactor();
        double[] pi = lp.refinedDuals();
        for (int i = 0; i < n; i++) a[i] = pi[i] / scale;
        double[] w = new double[d];
        for (int rI = 0; rI < n; rI++) {
            int v = lp.head[rI];
            if (v < 2 * n) continue;
            int j = (v - 2 * n) >> 1;
            double val = lp.xB[rI] / scale;
            w[jIndex.get(j)] += ((v - 2 * n) & 1) == 0 ? val : -val;
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
     * Dense revised simplex for the restricted master. Variables: 0..n−1 surplus e_i (column −e_i, cost 0),
     * n..2n−1 artificial s_i (+e_i, cost M), then for structural column j: p_j = 2n+2j (z_j, cost 1) and
     * q_j = 2n+2j+1 (−z_j, cost 1). The master is massively primal degenerate (most margins are tight at
     * the optimum), so the primal simplex runs on a randomly perturbed right-hand side; the exact rhs = 1 is
     * then restored and the few resulting infeasibilities removed by the dual simplex.
     */
    private static final class Simplex {
        private static final double PIVOT_TOL = 1e-9, FEAS_TOL = 1e-9, PERTURBATION = 1e-7;
        final int n;
        final List<double[]> cols = new ArrayList<>();
        final int[] head;
        int[] pos;
        double[] xB, rhs;
        double[][] binv;
        final double[] alpha, col;
        final SplittableRandom rnd = new SplittableRandom(0x5eedL);
        double bigM;
        int pivots, sinceRefactor;

        Simplex(int n) {
            this.n = n;
            head = new int[n];
            pos = new int[2 * n];
            Arrays.fill(pos, -1);
            xB = new double[n];
            rhs = new double[n];
            alpha = new double[n];
            col = new double[n];
            binv = new double[n][n];
            for (int r = 0; r < n; r++) { head[r] = n + r; pos[n + r] = r; xB[r] = rhs[r] = 1; binv[r][r] = 1; }
        }

        void addColumn(double[] z) {
            cols.add(z);
            int v = 2 * n + 2 * (cols.size() - 1);
            if (pos.length < v + 2) {
                int old = pos.length;
                pos = Arrays.copyOf(pos, Math.max(v + 2, 2 * old));
                Arrays.fill(pos, old, pos.length, -1);
            }
        }

        double cost(int v) { return v < n ? 0 : v < 2 * n ? bigM : 1; }

        void column(int v, double[] out) {
            if (v < 2 * n) {
                Arrays.fill(out, 0);
                out[v % n] = v < n ? -1 : 1;
                return;
            }
            double[] z = cols.get((v - 2 * n) >> 1);
            double sign = ((v - 2 * n) & 1) == 0 ? 1 : -1;
            for (int i = 0; i < n; i++) out[i] = sign * z[i];
        }

        double objective() {
            double o = 0;
            for (int r = 0; r < n; r++) o += cost(head[r]) * xB[r];
            return o;
        }

        boolean artificialInBasis() {
            for (int v : head) if (v >= n && v < 2 * n) return true;
            return false;
        }

        /** Optimal basis of the master with the exact rhs = 1. */
        void optimize(double m) {
            bigM = m;
            for (int attempt = 0; ; attempt++) {
                if (attempt > 20) throw new IllegalStateException("L1 simplex: primal/dual phases do not settle");
                perturb();
                primal();
                Arrays.fill(rhs, 1);
                refactor();
                dual();
                if (entering(duals(), false) < 0) return;   // the dual simplex kept reduced costs ≥ −tol; confirm
            }
        }

        /** rhs = 1 + B·ε, so every basic variable moves up by a distinct ε_r > 0. */
        private void perturb() {
            Arrays.fill(rhs, 1);
            for (int r = 0; r < n; r++) {
                column(head[r], col);
                double eps = PERTURBATION * (1 + rnd.nextDouble());
                for (int i = 0; i < n; i++) rhs[i] += eps * col[i];
            }
            refactor();
        }

        /** Rebuilds B⁻¹ from scratch and x_B = B⁻¹·rhs with one refinement step. */
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

        private static double tolerance(double[] pi) {
            double piMax = 0;
            for (double p : pi) piMax = Math.max(piMax, Math.abs(p));
            return 1e-11 * (1 + piMax);
        }

        /** Entering variable with negative reduced cost: most negative (Dantzig) or lowest index (Bland); −1 if none. */
        private int entering(double[] pi, boolean bland) {
            double tol = tolerance(pi);
            int enter = -1;
            double best = -tol;
            for (int v = 0; v < 2 * n; v++) {
                if (pos[v] >= 0) continue;
                double dj = v < n ? pi[v] : bigM - pi[v - n];
                if (dj < best) { best = dj; enter = v; if (bland) return enter; }
            }
            for (int j = 0; j < cols.size(); j++) {
                int v = 2 * n + 2 * j;
                if (pos[v] >= 0 && pos[v + 1] >= 0) continue;
                double[] z = cols.get(j);
                double t = 0;
                for (int i = 0; i < n; i++) t += pi[i] * z[i];
                if (pos[v] < 0 && 1 - t < best) { best = 1 - t; enter = v; if (bland) return enter; }
                if (pos[v + 1] < 0 && 1 + t < best) { best = 1 + t; enter = v + 1; if (bland) return enter; }
            }
            return enter;
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
            if (++pivots > 500_000 + 100 * (2 * n + 2 * cols.size())) throw new IllegalStateException("L1 simplex exceeded " + pivots + " pivots");
        }

        private void loadAlpha(int enter) {
            column(enter, col);
            for (int r = 0; r < n; r++) {
                double s = 0;
                double[] br = binv[r];
                for (int i = 0; i < n; i++) s += br[i] * col[i];
                alpha[r] = s;
            }
        }

        /** Primal simplex from a primal feasible basis; returns on a fresh factorisation with no entering variable. */
        private void primal() {
            int degenerate = 0;
            boolean bland = false;
            while (true) {
                if (sinceRefactor >= 100) refactor();
                int enter = entering(duals(), bland);
                if (enter < 0) {
                    if (sinceRefactor == 0) return;
                    refactor();   // confirm optimality on a fresh factorisation
                    continue;
                }
                loadAlpha(enter);
                int leave = bland ? blandRatio() : harrisRatio();
                if (leave < 0) throw new IllegalStateException("L1 restricted master unbounded (cannot happen: costs are nonnegative)");
                double theta = Math.max(0, xB[leave] / alpha[leave]);
                pivot(leave, enter, theta);
                if (DEBUG && pivots % 2000 == 0) System.err.printf("  pivot %d obj=%.12g bland=%b deg=%d theta=%g%n", pivots, objective(), bland, degenerate, theta);
                if (theta <= 1e-12) { if (++degenerate > 50) bland = true; }
                else { degenerate = 0; bland = false; }
            }
        }

        /** Dual simplex from a dual feasible basis to primal feasibility (x_B ≥ −tol), ending on a fresh factorisation. */
        private void dual() {
            while (true) {
                if (sinceRefactor >= 100) refactor();
                int leave = 0;
                for (int r = 1; r < n; r++) if (xB[r] < xB[leave]) leave = r;
                if (xB[leave] >= -FEAS_TOL) {
                    if (sinceRefactor == 0) return;
                    refactor();
                    continue;
                }
                double[] pi = duals(), rho = binv[leave];
                double tol = tolerance(pi);
                // Harris pass 1: largest step keeping all reduced costs ≥ −tol
                double tMax = Double.POSITIVE_INFINITY;
                for (int v = 0, vars = 2 * n + 2 * cols.size(); v < vars; v++) {
                    if (pos[v] >= 0) continue;
                    double a = rowEntry(rho, v);
                    if (a < -PIVOT_TOL) tMax = Math.min(tMax, (Math.max(reducedCost(pi, v), 0) + tol) / -a);
                }
                if (tMax == Double.POSITIVE_INFINITY) throw new IllegalStateException("L1 restricted master infeasible (cannot happen: artificials)");
                int enter = -1;
                double bestA = 0;
                for (int v = 0, vars = 2 * n + 2 * cols.size(); v < vars; v++) {
                    if (pos[v] >= 0) continue;
                    double a = rowEntry(rho, v);
                    if (a < -PIVOT_TOL && Math.max(reducedCost(pi, v), 0) / -a <= tMax && -a > bestA) { bestA = -a; enter = v; }
                }
                loadAlpha(enter);
                pivot(leave, enter, xB[leave] / alpha[leave]);
            }
        }

        /** (vec·A_v). */
        private double rowEntry(double[] vec, int v) {
            if (v < n) return -vec[v];
            if (v < 2 * n) return vec[v - n];
            double[] z = cols.get((v - 2 * n) >> 1);
            double t = 0;
            for (int i = 0; i < n; i++) t += vec[i] * z[i];
            return ((v - 2 * n) & 1) == 0 ? t : -t;
        }

        private double reducedCost(double[] pi, int v) { return cost(v) - rowEntry(pi, v); }

        /** Harris two-pass ratio test: among near-minimal ratios take the largest pivot. */
        private int harrisRatio() {
            double thetaMax = Double.POSITIVE_INFINITY;
            for (int r = 0; r < n; r++) if (alpha[r] > PIVOT_TOL) thetaMax = Math.min(thetaMax, (Math.max(xB[r], 0) + FEAS_TOL) / alpha[r]);
            int leave = -1;
            for (int r = 0; r < n; r++)
                if (alpha[r] > PIVOT_TOL && Math.max(xB[r], 0) / alpha[r] <= thetaMax && (leave < 0 || alpha[r] > alpha[leave])) leave = r;
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
    }
}
