package lab.grokking.core.modadd;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.MetricTable;
import lab.grokking.core.TrainingLoop;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.task.TaskRun;

/**
 * Trains the two-layer ReLU net on (a + b) mod p by full-batch GD with coupled weight decay (Fig. 2), or by the
 * loss-normalised GD without weight decay (Fig. 4), on mean softmax cross-entropy. Parameters and products are
 * float32 like the reference code; losses and every metric are double. Metrics: losses (and ln 𝓛, which stays
 * finite where 𝓛 underflows), accuracies, margins (min over samples of the correct logit minus the best wrong
 * one), the normalised margin margin/‖θ‖² (f is 2-homogeneous in θ), per-layer and total ‖θ‖₂, continuous time,
 * and the random-features (kernel) predictor's test accuracy as a reference line.
 */
final class ModaddRun implements TaskRun {
    private final ModaddConfig cfg;
    private final ModaddData data;
    private final ModaddNet net;
    private final Map<String, Object> summary = new LinkedHashMap<>();
    private final float[] hTest, zTest;
    private final double[] scratch, rf;
    private final double initNorm, transition, ln10 = StrictMath.log(10);

    /** Generates the split and the init, and measures the early (random-features) predictor on the features at init. */
    ModaddRun(ModaddConfig cfg, MatMul mm) {
        this.cfg = cfg;
        data = ModaddData.generate(cfg);
        net = new ModaddNet(cfg, data, mm);
        int p = cfg.p(), h = cfg.width(), nt = data.nTest();
        hTest = new float[nt * h];
        zTest = new float[nt * ((p + 7) & ~7)];
        scratch = new double[Math.max(data.nTrain(), nt)];
        initNorm = norm(net.squaredNorms());
        transition = TrainingLoop.transitionStep(cfg.alpha(), cfg.lr(), cfg.weightDecay());

        // the early predictor from the features at init (a resumed run rebuilds the init from the seed first)
        net.hidden(data.trainA(), data.trainB(), 0, data.nTrain(), net.hid);
        net.predict(data.testA(), data.testB(), nt, hTest, zTest);
        rf = RandomFeatures.accuracies(net.hid, data.nTrain(), data.trainY(), hTest, nt, data.testY(), h, p);
        Map<String, Object> early = new LinkedHashMap<>();
        early.put(
                "name",
                cfg.zeroLastLayer()
                        ? "random-features predictor on ReLU(W₁x + b₁) at init (the kernel predictor, W₂ = 0)"
                        : "random-features predictor on ReLU(W₁x + b₁) at init (W₂ ≠ 0 at init: a reference, not the full kernel predictor)");
        early.put("train_acc", rf[0]);
        early.put("test_acc", rf[1]);
        summary.put("n_train", data.nTrain());
        summary.put("n_test", nt);
        summary.put("init_norm", initNorm);
        summary.put("early_predictor", early);
    }

    @Override
    public String forward(long step) {
        net.forward();
        return Double.isFinite(net.lnLoss())
                ? null
                : String.format(
                        "training loss %s (lr = %g is too large for α = %g; try a smaller lr)",
                        StrictMath.exp(net.lnLoss()), cfg.lr(), cfg.alpha());
    }

    @Override
    public double[] evaluate(long step) {
        int p = cfg.p(), nt = data.nTest();
        double[] tr = CrossEntropy.metrics(net.z, net.pq, data.nTrain(), p, data.trainY(), scratch);
        net.predict(data.testA(), data.testB(), nt, hTest, zTest);
        double[] te = CrossEntropy.metrics(zTest, net.pq, nt, p, data.testY(), scratch);
        double[] sq = net.squaredNorms();
        double norm2 = sq[0] + sq[1] + sq[2];
        double lnT = cfg.lossNormalised()
                ? net.lnTime()
                : step == 0 ? Double.NEGATIVE_INFINITY : StrictMath.log(cfg.lr()) + StrictMath.log(step);
        double time = cfg.lossNormalised() ? StrictMath.exp(lnT) : cfg.lr() * step;
        double log10Time =
                lnT > 40 ? lnT / ln10 : StrictMath.log1p(StrictMath.exp(lnT)) / ln10; // log₁₀(1 + t) past double range
        double kernelNorm = initNorm * StrictMath.exp(-cfg.lr() * cfg.weightDecay() * step);
        return new double[] {
            step,
            time,
            log10Time,
            tr[0],
            te[0],
            tr[1],
            te[1],
            tr[2],
            te[2],
            tr[3],
            te[3],
            tr[3] / norm2,
            Math.sqrt(norm2),
            Math.sqrt(sq[0]),
            Math.sqrt(sq[1]),
            Math.sqrt(sq[2]),
            kernelNorm,
            transition,
            rf[1]
        };
    }

    @Override
    public void step() {
        net.step();
    }

    @Override
    public double[][] state() {
        return net.state();
    }

    @Override
    public void restore(double[][] state) {
        net.restore(state);
    }

    @Override
    public Map<String, Object> summary() {
        return summary;
    }

    @Override
    public String kernels() {
        return net.matmulName() + "-float32";
    }

    @Override
    public int threads() {
        return Workers.threads();
    }

    @Override
    public void finish(MetricTable table) {
        summary.put("milestones", milestones(table));
    }

    static double norm(double[] sq) {
        return Math.sqrt(sq[0] + sq[1] + sq[2]);
    }

    /** First evaluated steps where train accuracy reaches 100 % and test accuracy 50 % / 95 % (null: not reached). */
    static Map<String, Object> milestones(MetricTable t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_acc_100", firstStep(t, "train_acc", 1.0));
        m.put("test_acc_50", firstStep(t, "test_acc", 0.5));
        m.put("test_acc_95", firstStep(t, "test_acc", 0.95));
        return m;
    }

    /** First evaluated step with column ≥ level, or null. */
    public static Long firstStep(MetricTable t, String column, double level) {
        double[] s = t.column("step"), v = t.column(column);
        for (int i = 0; i < s.length; i++) if (v[i] >= level) return (long) s[i];
        return null;
    }
}
