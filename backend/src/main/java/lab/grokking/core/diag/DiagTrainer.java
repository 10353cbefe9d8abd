package lab.grokking.core.diag;

import java.util.Arrays;
import java.util.List;
import lab.grokking.core.linalg.Design;
import lab.grokking.core.linalg.Workers;

/**
 * GD state of the diagonal net and its update θ ← θ − η(∇𝓛(θ) + λθ) on the mean logistic loss.
 * A step is two products with X (float32 kernels) and one O(d) pass over the double parameters.
 */
public final class DiagTrainer {
    private final DiagConfig cfg;
    private final Design x;
    private final double[] y;
    final double[] u, v;
    /** w as float32, input of the forward product; its padding stays 0. */
    private final float[] wf, c, g;
    /** Training outputs f(x_i) of the current w, set by {@link #forward()}. */
    final float[] z;

    public DiagTrainer(DiagConfig cfg, Design x, double[] y) {
        this.cfg = cfg;
        this.x = x;
        this.y = y;
        int d = x.cols();
        u = new double[d];
        v = new double[d];
        Arrays.fill(u, cfg.alpha() / Math.sqrt(2.0 * d)); // ‖θ(0)‖ = α and w = 0
        Arrays.fill(v, cfg.alpha() / Math.sqrt(2.0 * d));
        wf = new float[x.paddedCols()];
        g = new float[x.paddedCols()];
        z = new float[x.rows()];
        c = new float[x.rows()];
    }

    /** Copies of u and v. */
    double[][] state() {
        return new double[][] {u.clone(), v.clone()};
    }

    /** Sets u and v (and w from them, as a step would). */
    void restore(double[][] s) {
        if (s.length != 2 || s[0].length != u.length || s[1].length != v.length)
            throw new IllegalArgumentException("checkpoint does not fit a diagonal net with d = " + u.length);
        System.arraycopy(s[0], 0, u, 0, u.length);
        System.arraycopy(s[1], 0, v, 0, v.length);
        for (int k = 0; k < u.length; k++) wf[k] = (float) wOf(u[k], v[k], cfg.depth());
    }

    /** z = X·w. */
    public void forward() {
        x.multiply(wf, z);
    }

    /** True unless an output overflowed (divergence). */
    public boolean finite() {
        for (float f : z) if (!Float.isFinite(f)) return false;
        return true;
    }

    /** One GD step from the outputs of the last {@link #forward()}. */
    public void step() {
        lossWeights();
        x.multiplyTransposed(c, g, update); // ∇_w 𝓛, each slice of it applied by the thread that computed it
    }

    /** c = ∂𝓛/∂f from the outputs of the last forward: the first half of a step. */
    void lossWeights() {
        int n = y.length;
        for (int i = 0; i < n; i++) c[i] = (float) (-y[i] * DiagRun.sigmoidNeg(y[i] * z[i]) / n); // ∂𝓛/∂f_i
    }

    /**
     * The products of several trainers on the same data in one pass each: forward for those with forward[m], the
     * step's Xᵀ·c and update (after {@link #lossWeights()}) for the others; each as its own {@link #forward()} or
     * {@link #step()} would, bit for bit.
     */
    static void products(List<DiagTrainer> trainers, boolean[] forward) {
        int b = trainers.size(), nf = 0, ns = 0;
        float[][] w = new float[b][], z = new float[b][], c = new float[b][], g = new float[b][];
        Workers.RangeBody[] after = new Workers.RangeBody[b];
        Design x = trainers.get(0).x;
        for (int m = 0; m < b; m++) {
            DiagTrainer t = trainers.get(m);
            if (t.x != x) throw new IllegalArgumentException("trainers of one batch must share their data");
            if (forward[m]) {
                w[nf] = t.wf;
                z[nf++] = t.z;
            } else {
                c[ns] = t.c;
                g[ns] = t.g;
                after[ns++] = t.update;
            }
        }
        if (nf > 0) x.multiply(w, z, nf);
        if (ns > 0) x.multiplyTransposed(c, g, after, ns);
    }

    /** θ ← θ − η(∇𝓛(θ) + λθ) for coordinates [from, to), from the gradient g. */
    private final Workers.RangeBody update = this::update;

    private void update(int from, int to) {
        double eta = cfg.lr(), decay = 1 - eta * cfg.weightDecay();
        int L = cfg.depth();
        if (L == 2) update2(u, v, g, wf, from, to, 2 * eta, decay);
        else {
            double[] u = this.u, v = this.v;
            for (int k = from; k < to; k++) {
                double gk = eta * L * g[k], uk = u[k], vk = v[k];
                uk = uk * decay - gk * StrictMath.pow(uk, L - 1);
                vk = vk * decay + gk * StrictMath.pow(vk, L - 1);
                u[k] = uk;
                v[k] = vk;
                wf[k] = (float) wOf(uk, vk, L);
            }
        }
    }

    /** The paper's case L = 2, kept small and branch-free so the JIT vectorises it. */
    private static void update2(
            double[] u, double[] v, float[] g, float[] wf, int from, int to, double eta2, double decay) {
        for (int k = from; k < to; k++) {
            double gk = eta2 * g[k], uk = u[k] * (decay - gk), vk = v[k] * (decay + gk);
            u[k] = uk;
            v[k] = vk;
            wf[k] = (float) ((uk - vk) * (uk + vk));
        }
    }

    /** u^L − v^L as (u − v)·Σ u^(L−1−j) v^j, which keeps its digits when u ≈ v (the whole kernel phase). */
    static double wOf(double u, double v, int L) {
        if (L == 2) return (u - v) * (u + v);
        double s = 0, up = 1;
        for (int j = 0; j < L; j++) {
            s += up * StrictMath.pow(v, L - 1 - j);
            up *= u;
        }
        return (u - v) * s;
    }
}
