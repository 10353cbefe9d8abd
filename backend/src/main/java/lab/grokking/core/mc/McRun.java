package lab.grokking.core.mc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.RunListener;
import lab.grokking.core.Snapshot;
import lab.grokking.core.solve.Certificate;
import lab.grokking.core.task.Cohort;
import lab.grokking.core.task.PredictorView;
import lab.grokking.core.task.TaskRun;

/**
 * Trains W = UUᵀ − VVᵀ by full-batch GD with coupled weight decay on the mean squared error over the observed
 * entries (paper §3.3.3, §7, Fig. 3), and tracks it against the early predictor (symmetric zero-fill, the kernel
 * predictor of Cor. 3.11) and the late predictor (minimum-nuclear-norm symmetric completion). Single-threaded
 * double arithmetic in a fixed order: the same config and seed give bit-identical metrics.
 */
final class McRun implements TaskRun {
    private final McConfig cfg;
    private final Map<String, Object> summary = new LinkedHashMap<>();
    private final McTrainer tr;
    private final McEvaluator ev;

    private final Cohort.Member member;

    /** What runs on the same observations share (read-only): the data, both predictors and their summaries. */
    private record Setup(McData data, double[] early, double[] late, Map<String, Object> parts) {
        static Setup of(McConfig cfg) {
            McData data = McData.generate(cfg);
            int d = cfg.d();
            double[] early = data.zeroFill();
            NuclearCompletion.Result late = NuclearCompletion.solve(d, data.known(), data.target());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n_train", data.nTrain());
            m.put("n_test", data.nTest());
            m.put("target", targetSummary(cfg, data));
            m.put(
                    "early_predictor",
                    predictorSummary("symmetric zero-fill (kernel predictor, Cor. 3.11)", early, data, null));
            m.put(
                    "late_predictor",
                    predictorSummary("minimum-nuclear-norm symmetric completion", late.w(), data, late));
            return new Setup(data, early, late.w(), m);
        }
    }

    /**
     * Generates the target and observed set, solves both predictors (snapshots "early" and "late") and builds the
     * trainer; a cohort's member takes the set-up its cohort made once, and meets it for every product.
     */
    McRun(McConfig cfg, RunListener listener, Cohort.Member member) {
        this.cfg = cfg;
        this.member = member;
        Setup s = member == null ? Setup.of(cfg) : member.cohort().shared(() -> Setup.of(cfg));
        int d = cfg.d();
        summary.putAll(s.parts());
        tr = new McTrainer(cfg, s.data());
        double initNorm = tr.norm();
        summary.put("init_norm", initNorm);
        ev = new McEvaluator(cfg, s.data(), tr, s.early(), s.late(), initNorm);
        listener.onSnapshot(Snapshot.of(PredictorView.EARLY, -1, d, d, s.early()));
        listener.onSnapshot(Snapshot.of(PredictorView.LATE, -1, d, d, s.late()));
    }

    /** A member's product in a cohort round: the forward pass or the step. */
    private record Product(McTrainer tr, boolean forward) {}

    private static void batch(List<Product> round) {
        List<McTrainer> trainers = new ArrayList<>(round.size());
        boolean[] forward = new boolean[round.size()];
        for (int m = 0; m < round.size(); m++) {
            trainers.add(round.get(m).tr());
            forward[m] = round.get(m).forward();
        }
        McTrainer.products(trainers, forward);
    }

    @Override
    public String forward(long step) {
        if (member == null) tr.forward();
        else member.meet(new Product(tr, true), McRun::batch);
        return Double.isFinite(tr.loss())
                ? null
                : String.format(
                        "train MSE %s (lr = %g is too large for α = %g; try a smaller lr)",
                        tr.loss(), cfg.lr(), cfg.alpha());
    }

    @Override
    public double[] evaluate(long step) {
        return ev.evaluate(step);
    }

    @Override
    public Snapshot snapshot(long step) {
        return Snapshot.of(McSpec.NET, step, cfg.d(), cfg.d(), ev.lastW());
    }

    @Override
    public void step() {
        if (member == null) tr.step();
        else member.meet(new Product(tr, false), McRun::batch);
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
        return tr.kernelName() + "-double";
    }

    @Override
    public int threads() {
        return tr.threads();
    }

    private static Map<String, Object> targetSummary(McConfig cfg, McData data) {
        Map<String, Object> m = new LinkedHashMap<>();
        double[] sv = new double[data.d()];
        SymEigen e = new SymEigen(data.d());
        e.decompose(data.target(), false);
        e.singularValuesDescending(sv);
        double nuclear = 0;
        for (double s : sv) nuclear += s;
        m.put("kind", cfg.table() ? "multiplication table i·j/d²" : "random symmetric rank " + cfg.rank());
        m.put("rank", cfg.table() ? 1 : cfg.rank());
        m.put("nuclear_norm", nuclear);
        m.put("sqrt_nuclear_norm", Math.sqrt(nuclear)); // ‖θ‖ of a minimum-norm factorisation of X*
        m.put("coherence", data.coherence());
        m.put(
                "mean_square",
                McEvaluator.frobenius(data.target()) * McEvaluator.frobenius(data.target()) / data.target().length);
        return m;
    }

    private static Map<String, Object> predictorSummary(
            String name, double[] w, McData data, NuclearCompletion.Result solved) {
        Map<String, Object> m = new LinkedHashMap<>();
        int d = data.d();
        double[] sv = new double[d];
        SymEigen e = new SymEigen(d);
        e.decompose(w, false);
        e.singularValuesDescending(sv);
        double nuclear = 0;
        for (double s : sv) nuclear += s;
        m.put("name", name);
        m.put("train_mse", data.trainMse(w));
        m.put("test_mse", data.testMse(w));
        m.put("nuclear_norm", nuclear);
        m.put("sqrt_nuclear_norm", Math.sqrt(nuclear));
        m.put("effective_rank", McEvaluator.effectiveRank(sv));
        m.put("dist_target", McEvaluator.distance(w, data.target(), McEvaluator.frobenius(data.target())));
        if (solved != null) {
            Certificate c = solved.certificate();
            m.put("converged", solved.converged());
            m.put("certificate", c);
        }
        return m;
    }
}
