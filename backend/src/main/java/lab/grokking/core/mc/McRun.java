package lab.grokking.core.mc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.LogSchedule;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Provenance;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.SnapshotSteps;
import lab.grokking.core.TrainingLoop;
import lab.grokking.core.config.Configs;
import lab.grokking.core.solve.Certificate;

/**
 * Trains W = UUᵀ − VVᵀ by full-batch GD with coupled weight decay on the mean squared error over the observed
 * entries (paper §3.3.3, §7, Fig. 3), and tracks it against the early predictor (symmetric zero-fill, the kernel
 * predictor of Cor. 3.11) and the late predictor (minimum-nuclear-norm symmetric completion). Single-threaded
 * double arithmetic in a fixed order: the same config and seed give bit-identical metrics.
 */
public final class McTask implements lab.grokking.core.Task {
    public static final List<String> COLUMNS = List.of("step", "time", "train_mse", "test_mse", "norm", "kernel_norm", "transition_step",
            "nuclear_norm", "sv1", "sv2", "sv3", "effective_rank", "dist_early", "dist_late");
    /** Target number of W snapshots (log-spaced over the evaluation steps). */
    public static final int SNAPSHOTS = 30;

    private final McConfig cfg;

    public McTask(McConfig cfg) {
        cfg.validate(lab.grokking.core.config.Limits.DEFAULT);
        this.cfg = cfg;
    }

    @Override
    public RunResult run(RunListener listener, lab.grokking.core.Checkpoint resume) {
        long started = System.nanoTime();
        Map<String, Object> summary = new LinkedHashMap<>();
        McData data = McData.generate(cfg);
        int d = cfg.d();
        double[] early = data.zeroFill();
        NuclearCompletion.Result late = NuclearCompletion.solve(d, data.known(), data.target());
        summary.put("n_train", data.nTrain());
        summary.put("n_test", data.nTest());
        summary.put("target", targetSummary(data));
        summary.put("early_predictor", predictorSummary("symmetric zero-fill (kernel predictor, Cor. 3.11)", early, data, null));
        summary.put("late_predictor", predictorSummary("minimum-nuclear-norm symmetric completion", late.w(), data, late));
        summary.put("transition_step", TrainingLoop.transitionStep(cfg.alpha(), cfg.lr(), cfg.weightDecay()));
        summary.put("setup_seconds", (System.nanoTime() - started) / 1e9);

        McTrainer tr = new McTrainer(cfg, data);
        double initNorm = tr.norm();
        summary.put("init_norm", initNorm);
        McEvaluator ev = new McEvaluator(cfg, data, tr, early, late.w(), initNorm);
        MetricTable table = new MetricTable(COLUMNS);
        LogSchedule schedule = new LogSchedule(cfg.steps(), cfg.evalPerDecade());
        SnapshotSteps snapshots = new SnapshotSteps(schedule, SNAPSHOTS);
        listener.onSnapshot(lab.grokking.core.Snapshot.of("early", -1, d, d, early));
        listener.onSnapshot(lab.grokking.core.Snapshot.of("late", -1, d, d, late.w()));
        TrainingLoop.Outcome o = TrainingLoop.run(cfg.steps(), cfg.evalPerDecade(), table, new TrainingLoop.Model() {
            @Override public String forward(long step) {
                tr.forward();
                return Double.isFinite(tr.loss()) ? null
                        : String.format("train MSE %s (lr = %g is too large for α = %g; try a smaller lr)", tr.loss(), cfg.lr(), cfg.alpha());
            }

            @Override public double[] evaluate(long step) {
                double[] row = ev.evaluate(step);
                if (snapshots.due(step)) listener.onSnapshot(lab.grokking.core.Snapshot.of("W", step, d, d, ev.lastW()));
                return row;
            }

            @Override public void step() { tr.step(); }

            @Override public double[][] state() { return tr.state(); }

            @Override public void restore(double[][] state) { tr.restore(state); }
        }, listener, resume);
        o.summarise(summary, table);
        summary.put("snapshot_steps", snapshots.steps());
        Provenance prov = new Provenance(Configs.canonical(cfg), cfg.seed(), Provenance.CODE_VERSION, "mc-" + tr.kernelName() + "-double", tr.threads(), Runtime.version().toString());
        return new RunResult(o.status(), o.message(), table, summary, prov);
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
        m.put("mean_square", McEvaluator.frobenius(data.target()) * McEvaluator.frobenius(data.target()) / data.target().length);
        return m;
    }

    private static Map<String, Object> predictorSummary(String name, double[] w, McData data, NuclearCompletion.Result solved) {
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
