package lab.grokking.core.diag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.RunListener;
import lab.grokking.core.Snapshot;
import lab.grokking.core.linalg.Design;
import lab.grokking.core.linalg.Kernels;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.solve.MaxL1Margin;
import lab.grokking.core.solve.MaxL2Margin;
import lab.grokking.core.solve.Solution;
import lab.grokking.core.task.Cohort;
import lab.grokking.core.task.PredictorView;
import lab.grokking.core.task.TaskRun;

/**
 * Trains the diagonal linear net f(x) = ⟨u^L − v^L, x⟩ by full-batch GD with coupled weight decay on the
 * mean logistic loss (paper §3.2.3, §5, §6) and tracks it against the early predictor w₂* (max L2
 * margin, the kernel predictor) and the late predictor w₁* (max L1 margin). Products run in float32 like
 * the reference code; parameters, losses and metrics are double.
 */
final class DiagRun implements TaskRun {
    /** Test rows regenerated per chunk. */
    static final int TEST_CHUNK = 512;

    private final DiagConfig cfg;
    private final Map<String, Object> summary = new LinkedHashMap<>();
    private final DiagTrainer tr;
    private final DiagEvaluator ev;

    private final Cohort.Member member;

    /** What runs on the same data share (read-only): data, both predictors, the test set and the predictors' outputs. */
    private record Setup(
            DiagData data,
            double[] w2,
            double[] w1,
            TestSet test,
            double[] out2,
            double[] out1,
            Map<String, Object> earlySummary,
            Map<String, Object> lateSummary) {
        static Setup of(DiagConfig cfg) {
            DiagData data = DiagData.generate(cfg);
            Design x = data.train();
            Solution early = MaxL2Margin.solve(x, data.y());
            Solution late = MaxL1Margin.solve(x, data.y());
            double[] w2 = early.w(), w1 = late.w();
            TestSet test = cfg.sparse()
                    ? new SparseTestSet(cfg, data.wStar())
                    : new GaussianTestSet(cfg, data.wStar(), w2, w1);
            double[] yTest = test.labels();
            double[] out2 = new double[test.size()], out1 = new double[test.size()];
            test.outputs(w2, out2);
            test.outputs(w1, out1);
            return new Setup(
                    data,
                    w2,
                    w1,
                    test,
                    out2,
                    out1,
                    predictorSummary("max-L2-margin (kernel) classifier w2*", early, yTest, out2),
                    predictorSummary("max-L1-margin classifier w1*", late, yTest, out1));
        }
    }

    /**
     * Generates the data, solves both predictors (reported as the snapshots "early" and "late") and builds the trainer;
     * a cohort's member takes the set-up its cohort made once, and meets it for every product.
     */
    DiagRun(DiagConfig cfg, RunListener listener, Cohort.Member member) {
        this.cfg = cfg;
        this.member = member;
        Setup s = member == null ? Setup.of(cfg) : member.cohort().shared(() -> Setup.of(cfg));
        summary.put("early_predictor", new LinkedHashMap<>(s.earlySummary()));
        summary.put("late_predictor", new LinkedHashMap<>(s.lateSummary()));
        listener.onSnapshot(Snapshot.of(PredictorView.EARLY, -1, 1, s.w2().length, s.w2()));
        listener.onSnapshot(Snapshot.of(PredictorView.LATE, -1, 1, s.w1().length, s.w1()));
        tr = new DiagTrainer(cfg, s.data().train(), s.data().y());
        ev = new DiagEvaluator(
                cfg,
                tr,
                s.test(),
                s.data().y(),
                s.out2(),
                s.out1(),
                s.w2(),
                s.w1(),
                s.data().support());
    }

    /** A member's product in a cohort round: X·w (forward) or the step's Xᵀ·c and update. */
    private record Product(DiagTrainer tr, boolean forward) {}

    private static void batch(List<Product> round) {
        List<DiagTrainer> trainers = new ArrayList<>(round.size());
        boolean[] forward = new boolean[round.size()];
        for (int m = 0; m < round.size(); m++) {
            trainers.add(round.get(m).tr());
            forward[m] = round.get(m).forward();
        }
        DiagTrainer.products(trainers, forward);
    }

    @Override
    public String forward(long step) {
        if (member == null) tr.forward();
        else member.meet(new Product(tr, true), DiagRun::batch);
        return tr.finite()
                ? null
                : String.format(
                        "the outputs overflowed (lr = %g is too large for this data; try a smaller lr)", cfg.lr());
    }

    @Override
    public double[] evaluate(long step) {
        return ev.evaluate(step);
    }

    @Override
    public Snapshot snapshot(long step) {
        return Snapshot.of(DiagSpec.NET, step, 1, ev.lastW().length, ev.lastW());
    }

    @Override
    public void step() {
        if (member == null) tr.step();
        else {
            tr.lossWeights();
            member.meet(new Product(tr, false), DiagRun::batch);
        }
    }

    @Override
    public double[][] state() {
        return tr.state();
    }

    @Override
    public void restore(double[][] state) {
        tr.restore(state);
    }

    @Override
    public Map<String, Object> summary() {
        return summary;
    }

    @Override
    public String kernels() {
        return Kernels.get().name() + "-float32";
    }

    @Override
    public int threads() {
        return Workers.threads();
    }

    private static Map<String, Object> predictorSummary(String name, Solution s, double[] yTest, double[] out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("test_acc", accuracy(yTest, out));
        m.put("l2_margin", 1 / s.l2Norm()); // the solvers scale w to margin 1
        m.put("l1_margin", 1 / s.l1Norm());
        m.put("nonzeros", s.support(1e-9).length); // |w_k| > 1e-9·max|w|: the LP's ties leave rounding-level entries
        m.put("certificate", s.certificate());
        // a predictor that is not provably optimal would skew cos/agree curves silently: say so
        m.put("certified", s.certificate().optimal(1e-6));
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

    static double softplus(double t) {
        return t > 0 ? t + StrictMath.log1p(StrictMath.exp(-t)) : StrictMath.log1p(StrictMath.exp(t));
    }

    /** σ(−m) = 1/(1 + e^m), stable for large |m|. */
    static double sigmoidNeg(double m) {
        if (m >= 0) {
            double e = StrictMath.exp(-m);
            return e / (1 + e);
        }
        return 1 / (1 + StrictMath.exp(m));
    }

    static double agreement(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++)
            s += Math.signum(a[i]) == Math.signum(b[i]) ? 1 : (a[i] == 0 || b[i] == 0 ? 0.5 : 0);
        return s / a.length;
    }

    static double norm2(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }
}
