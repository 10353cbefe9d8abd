package lab.grokking.core.linreg;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.RunListener;
import lab.grokking.core.Snapshot;
import lab.grokking.core.task.PredictorView;
import lab.grokking.core.task.TaskRun;

/** Full-batch GD on the mean squared error with coupled weight decay, in double, single-threaded and in a fixed order. */
final class LinregRun implements TaskRun {
    private final LinregConfig cfg;
    private final LinregData data;
    private final double[] u, v, w, residual, grad, early, late;
    private final double initNorm;
    private final Map<String, Object> summary = new LinkedHashMap<>();

    LinregRun(LinregConfig cfg, RunListener listener) {
        this.cfg = cfg;
        int d = cfg.d();
        data = LinregData.generate(cfg);
        early = Interpolators.minL2(data.x(), data.y(), cfg.n(), d);
        late = Interpolators.minL1(data.x(), data.y(), cfg.n(), d);
        summary.put("early_predictor", predictor("minimum-L2-norm interpolator (kernel predictor)", early));
        summary.put("late_predictor", predictor("minimum-L1-norm interpolator", late));
        listener.onSnapshot(Snapshot.of(PredictorView.EARLY, -1, 1, d, early));
        listener.onSnapshot(Snapshot.of(PredictorView.LATE, -1, 1, d, late));
        u = new double[d];
        v = new double[d];
        w = new double[d];
        grad = new double[d];
        residual = new double[cfg.n()];
        Arrays.fill(u, cfg.alpha() / Math.sqrt(2.0 * d));
        Arrays.fill(v, cfg.alpha() / Math.sqrt(2.0 * d));
        initNorm = cfg.alpha();
    }

    private Map<String, Object> predictor(String name, double[] p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("test_mse", testMse(p));
        m.put("l1_norm", l1(p));
        return m;
    }

    /** Population MSE over x ~ N(0, I): E⟨w − w*, x⟩² = ‖w − w*‖². */
    private double testMse(double[] p) {
        double s = 0;
        for (int j = 0; j < p.length; j++) s += (p[j] - data.wStar()[j]) * (p[j] - data.wStar()[j]);
        return s;
    }

    private static double l1(double[] p) {
        double s = 0;
        for (double x : p) s += Math.abs(x);
        return s;
    }

    private static double dist(double[] a, double[] b) {
        double s = 0, nb = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
            nb += b[j] * b[j];
        }
        return Math.sqrt(s / nb);
    }

    @Override
    public String forward(long step) {
        int n = cfg.n(), d = cfg.d();
        for (int j = 0; j < d; j++) w[j] = u[j] * u[j] - v[j] * v[j];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double f = 0;
            for (int j = 0; j < d; j++) f += data.x()[i * d + j] * w[j];
            residual[i] = f - data.y()[i];
            loss += residual[i] * residual[i];
        }
        return Double.isFinite(loss)
                ? null
                : String.format(
                        "train MSE %s (lr = %g is too large for α = %g; try a smaller lr)",
                        loss, cfg.lr(), cfg.alpha());
    }

    @Override
    public double[] evaluate(long step) {
        double train = 0, norm2 = 0;
        for (double r : residual) train += r * r;
        for (int j = 0; j < u.length; j++) norm2 += u[j] * u[j] + v[j] * v[j];
        double kernelNorm = initNorm * StrictMath.exp(-cfg.lr() * cfg.weightDecay() * step);
        double transition = StrictMath.log(cfg.alpha()) / (cfg.lr() * cfg.weightDecay());
        return new double[] {
            step,
            cfg.lr() * step,
            train / (2 * cfg.n()),
            testMse(w),
            Math.sqrt(norm2),
            kernelNorm,
            transition,
            dist(w, early),
            dist(w, late),
            l1(w)
        };
    }

    @Override
    public void step() {
        int n = cfg.n(), d = cfg.d();
        Arrays.fill(grad, 0);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) grad[j] += data.x()[i * d + j] * residual[i] / n;
        double eta = cfg.lr(), lambda = cfg.weightDecay();
        for (int j = 0; j < d; j++) {
            double gu = 2 * u[j] * grad[j] + lambda * u[j], gv = -2 * v[j] * grad[j] + lambda * v[j];
            u[j] -= eta * gu;
            v[j] -= eta * gv;
        }
    }

    @Override
    public Snapshot snapshot(long step) {
        return Snapshot.of(LinregSpec.NET, step, 1, w.length, w);
    }

    @Override
    public double[][] state() {
        return new double[][] {u.clone(), v.clone()};
    }

    @Override
    public void restore(double[][] state) {
        System.arraycopy(state[0], 0, u, 0, u.length);
        System.arraycopy(state[1], 0, v, 0, v.length);
    }

    @Override
    public Map<String, Object> summary() {
        return summary;
    }

    @Override
    public String kernels() {
        return "scalar-double";
    }

    @Override
    public int threads() {
        return 1;
    }
}
