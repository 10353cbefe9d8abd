package lab.grokking.core.diag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.LogSchedule;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Provenance;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.config.Configs;
import lab.grokking.core.linalg.Design;
import lab.grokking.core.linalg.Kernels;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.solve.MaxL1Margin;
import lab.grokking.core.solve.MaxL2Margin;
import lab.grokking.core.solve.Solution;

/**
 * Trains the diagonal linear net f(x) = ⟨u^L − v^L, x⟩ by full-batch GD with coupled weight decay on the
 * mean logistic loss (paper §3.2.3, §5, §6) and tracks it against the early predictor w₂* (max L2
 * margin, the kernel predictor) and the late predictor w₁* (max L1 margin). Products run in float32 like
 * the reference code; parameters, losses and metrics are double.
 */
public final class DiagTask {
    public static final List<String> COLUMNS = List.of("step", "time", "train_loss", "test_loss", "train_acc", "test_acc", "norm",
            "kernel_norm", "transition_step", "margin_l2", "margin_l1", "cos_early", "cos_late", "agree_early", "agree_late",
            "l1_over_l2", "support_share", "displacement");
    /** Test rows regenerated per chunk. */
    static final int TEST_CHUNK = 512;

    private final DiagConfig cfg;

    public DiagTask(DiagConfig cfg) {
        cfg.validate(lab.grokking.core.config.Limits.DEFAULT);
        this.cfg = cfg;
    }

    /** Predicted end of the kernel regime: t* = ln(α)/λ, in steps ln(α)/(λη) (∞ without weight decay). */
    public static double transitionStep(double alpha, double lr, double weightDecay) {
        return Math.log(alpha) / (weightDecay * lr);
    }

    public RunResult run(RunListener listener) {
        long started = System.nanoTime();
        Map<String, Object> summary = new LinkedHashMap<>();
        DiagData data = DiagData.generate(cfg);
        Design x = data.train();
        int n = cfg.n(), d = cfg.d(), L = cfg.depth();

        Solution early = MaxL2Margin.solve(x, data.y());
        Solution late = MaxL1Margin.solve(x, data.y());
        double[] w2 = early.w(), w1 = late.w();
        TestSet test = cfg.sparse() ? new SparseTestSet(cfg, data.wStar()) : new GaussianTestSet(cfg, data.wStar(), w2, w1);
        double[] yTest = test.labels();
        double[] out2 = new double[test.size()], out1 = new double[test.size()];
        test.outputs(w2, out2);
        test.outputs(w1, out1);
        summary.put("early_predictor", predictorSummary("max-L2-margin (kernel) classifier w2*", early, yTest, out2));
        summary.put("late_predictor", predictorSummary("max-L1-margin classifier w1*", late, yTest, out1));
        summary.put("transition_step", transitionStep(cfg.alpha(), cfg.lr(), cfg.weightDecay()));
        summary.put("setup_seconds", (System.nanoTime() - started) / 1e9);

        MetricTable table = new MetricTable(COLUMNS);
        Trainer tr = new Trainer(x, data.y(), test, out2, out1, w2, w1, data.support());
        LogSchedule schedule = new LogSchedule(cfg.steps(), cfg.evalPerDecade());
        RunStatus status = RunStatus.FINISHED;
        String message = "finished " + cfg.steps() + " steps";
        int next = 0;
        long trainStart = System.nanoTime();
        for (long step = 0; ; step++) {
            x.multiply(tr.wf, tr.z);
            if (!tr.finite()) {
                status = RunStatus.DIVERGED;
                message = String.format("diverged at step %d: the outputs overflowed (lr = %g is too large for this data; try a smaller lr)", step, cfg.lr());
                break;
            }
            if (next < schedule.size() && schedule.get(next) == step) {
                double[] row = tr.evaluate(step);
                table.add(row);
                listener.onEvaluation(row);
                next++;
                if (!Double.isFinite(row[2])) {
                    status = RunStatus.DIVERGED;
                    message = String.format("diverged at step %d: train loss %s (lr = %g is too large; try a smaller lr)", step, row[2], cfg.lr());
                    break;
                }
            }
            if (step == cfg.steps()) break;
            if (listener.cancelled()) {
                status = RunStatus.CANCELLED;
                message = "cancelled at step " + step;
                break;
            }
            tr.step();
            if ((step & 1023) == 0) listener.onProgress(step, cfg.steps());
        }
        listener.onProgress(status == RunStatus.FINISHED ? cfg.steps() : (long) table.rows().getLast()[0], cfg.steps());
        summary.put("train_seconds", (System.nanoTime() - trainStart) / 1e9);
        summary.put("final", finalRow(table));
        Provenance prov = new Provenance(Configs.canonical(cfg), cfg.seed(), Provenance.CODE_VERSION, Kernels.get().name(), Workers.threads(),
                Runtime.version().toString());
        return new RunResult(status, message, table, summary, prov);
    }

    private static Map<String, Object> finalRow(MetricTable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (t.size() == 0) return m;
        double[] last = t.rows().getLast();
        for (int c = 0; c < last.length; c++) m.put(t.columns().get(c), Double.isFinite(last[c]) ? last[c] : null);
        return m;
    }

    private static Map<String, Object> predictorSummary(String name, Solution s, double[] yTest, double[] out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("test_acc", accuracy(yTest, out));
        double l1 = 0, l2 = 0;
        int nnz = 0;
        for (double v : s.w()) {
            l1 += Math.abs(v);
            l2 += v * v;
            if (v != 0) nnz++;
        }
        m.put("l2_margin", 1 / Math.sqrt(l2));
        m.put("l1_margin", 1 / l1);
        m.put("nonzeros", nnz);
        m.put("certificate", s.certificate());
        return m;
    }

    /** Fraction with y·f > 0, counting y·f = 0 as one half (50 % at init, as in the reference code). */
    static double accuracy(double[] y, double[] f) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double m = y[i] * f[i];
            s += m > 0 ? 1 : m == 0 ? 0.5 : 0;
        }
        return s / y.length;
    }

    /** Mean logistic loss softplus(−y·f), stable for any margin and without underflow to 0 before e^−745. */
    static double logisticLoss(double[] y, double[] f) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += softplus(-y[i] * f[i]);
        return s / y.length;
    }

    static double softplus(double t) { return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)); }

    /** σ(−m) = 1/(1 + e^m), stable for large |m|. */
    static double sigmoidNeg(double m) {
        if (m >= 0) {
            double e = Math.exp(-m);
            return e / (1 + e);
        }
        return 1 / (1 + Math.exp(m));
    }

    static double agreement(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.signum(a[i]) == Math.signum(b[i]) ? 1 : (a[i] == 0 || b[i] == 0 ? 0.5 : 0);
        return s / a.length;
    }

    /** The GD state and its per-step update; one instance per run. */
    private final class Trainer {
        final Design x;
        final double[] y, yTest, outEarly, outLate, w2, w1;
        final double[] u, v, w, testOut, trainOut;
        final float[] wf, z, c, g;
        final int support;
        final double w2norm, w1norm;

        Trainer(Design x, double[] y, TestSet test, double[] outEarly, double[] outLate, double[] w2, double[] w1, int support) {
            this.x = x;
            this.y = y;
            this.yTest = test.labels();
            this.test = test;
            this.outEarly = outEarly;
            this.outLate = outLate;
            this.w2 = w2;
            this.w1 = w1;
            this.support = support;
            int d = x.cols();
            u = new double[d];
            v = new double[d];
            w = new double[d];
            java.util.Arrays.fill(u, cfg.alpha() / Math.sqrt(2.0 * d));
            java.util.Arrays.fill(v, cfg.alpha() / Math.sqrt(2.0 * d));
            wf = new float[x.paddedCols()];
            g = new float[x.paddedCols()];
            z = new float[x.rows()];
            c = new float[x.rows()];
            testOut = new double[test.size()];
            trainOut = new double[x.rows()];
            w2norm = norm2(w2);
            w1norm = norm2(w1);
        }

        final TestSet test;

        boolean finite() {
            for (float f : z) if (!Float.isFinite(f)) return false;
            return true;
        }

        void step() {
            int n = y.length;
            for (int i = 0; i < n; i++) c[i] = (float) (-y[i] * sigmoidNeg(y[i] * z[i]) / n);
            x.multiplyTransposed(c, g);
            double eta = cfg.lr(), lam = cfg.weightDecay(), decay = 1 - eta * lam;
            int L = cfg.depth(), d = u.length;
            if (L == 2) { // the paper's case, kept branch-free so the JIT vectorises it
                for (int k = 0; k < d; k++) {
                    double gk = 2 * eta * g[k], uk = u[k] * (decay - gk), vk = v[k] * (decay + gk);
                    u[k] = uk;
                    v[k] = vk;
                    wf[k] = (float) ((uk - vk) * (uk + vk));
                }
            } else {
                for (int k = 0; k < d; k++) {
                    double gk = eta * L * g[k], uk = u[k], vk = v[k];
                    uk = uk * decay - gk * Math.pow(uk, L - 1);
                    vk = vk * decay + gk * Math.pow(vk, L - 1);
                    u[k] = uk;
                    v[k] = vk;
                    wf[k] = (float) wOf(uk, vk, L);
                }
            }
        }

        /** u^L − v^L as (u − v)·Σ u^(L−1−j) v^j, which keeps its digits when u ≈ v (the whole kernel phase). */
        static double wOf(double u, double v, int L) {
            double s = 0, up = 1;
            for (int j = 0; j < L; j++) {
                s += up * Math.pow(v, L - 1 - j);
                up *= u;
            }
            return (u - v) * s;
        }

        double[] evaluate(long step) {
            int L = cfg.depth();
            double normSq = 0, l1 = 0, l2sq = 0, dot2 = 0, dot1 = 0, onSupport = 0, disp = 0;
            double scale = Math.exp(cfg.weightDecay() * cfg.lr() * step) / cfg.alpha(), bar = 1 / Math.sqrt(2.0 * u.length);
            for (int k = 0; k < u.length; k++) {
                double uk = u[k], vk = v[k], wk = L == 2 ? (uk - vk) * (uk + vk) : wOf(uk, vk, L);
                w[k] = wk;
                normSq += uk * uk + vk * vk;
                l1 += Math.abs(wk);
                l2sq += wk * wk;
                dot2 += wk * w2[k];
                dot1 += wk * w1[k];
                if (k < support) onSupport += Math.abs(wk);
                double du = scale * uk - bar, dv = scale * vk - bar;
                disp += du * du + dv * dv;
            }
            for (int i = 0; i < y.length; i++) trainOut[i] = z[i];
            test.outputs(w, testOut);
            double l2 = Math.sqrt(l2sq), minMargin = Double.POSITIVE_INFINITY;
            for (int i = 0; i < y.length; i++) minMargin = Math.min(minMargin, y[i] * trainOut[i]);
            double eta = cfg.lr(), lam = cfg.weightDecay();
            return new double[] {
                step, eta * step,
                logisticLoss(y, trainOut), logisticLoss(yTest, testOut), accuracy(y, trainOut), accuracy(yTest, testOut),
                Math.sqrt(normSq), cfg.alpha() * Math.exp(-lam * eta * step), transitionStep(cfg.alpha(), eta, lam),
                l2 > 0 ? minMargin / l2 : Double.NaN, l1 > 0 ? minMargin / l1 : Double.NaN,
                l2 > 0 ? dot2 / (l2 * w2norm) : Double.NaN, l2 > 0 ? dot1 / (l2 * w1norm) : Double.NaN,
                agreement(testOut, outEarly), agreement(testOut, outLate),
                l2 > 0 ? l1 / l2 : Double.NaN, support > 0 && l1 > 0 ? onSupport / l1 : Double.NaN,
                Math.sqrt(disp)
            };
        }
    }

    static double norm2(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }
}
