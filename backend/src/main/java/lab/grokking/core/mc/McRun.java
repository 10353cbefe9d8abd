package lab.grokking.core.mc;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.RunListener;
import lab.grokking.core.Snapshot;
import lab.grokking.core.solve.Certificate;
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

    /** Generates the target and observed set, solves both predictors (snapshots "early" and "late") and builds the trainer. */
    McRun(McConfig cfg, RunListener listener) {
        this.cfg = cfg;
        McData data = McData.generate(cfg);
        int d = cfg.d();
        double[] early = data.zeroFill();
        NuclearCompletion.Result late = NuclearCompletion.solve(d, data.known(), data.target());
        summary.put("n_train", data.nTrain());
        summary.put("n_test", data.nTest());
        summary.put("target", targetSummary(data));
        summary.put(
                "early_predictor",
                predictorSummary("symmetric zero-fill (kernel predictor, Cor. 3.11)", early, data, null));
        summary.put(
                "late_predictor", predictorSummary("minimum-nuclear-norm symmetric completion", late.w(), data, late));
        tr = new McTrainer(cfg, data);
        double initNorm = tr.norm();
        summary.put("init_norm", initNorm);
        ev = new McEvaluator(cfg, data, tr, early, late.w(), initNorm);
        listener.onSnapshot(Snapshot.of(PredictorView.EARLY, -1, d, d, early));
        listener.onSnapshot(Snapshot.of(PredictorView.LATE, -1, d, d, late.w()));
    }

    @Override
    public String forward(long step) {
        tr.forward();
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
        tr.step();
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

    private Map<String, Object> targetSummary(McData data) {
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
