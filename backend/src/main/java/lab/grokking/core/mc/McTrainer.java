package lab.grokking.core.mc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.grokking.core.Rng;
import lab.grokking.core.linalg.Workers;

/**
 * GD state of W = UUᵀ − VVᵀ and its update θ ← θ − η(∇𝓛 + λθ) on 𝓛 = (1/n)Σ_k (W_{a_k b_k} − y_k)².
 * A step needs W only on the n observed entries (2n row dot products) and the sparse-times-dense products
 * (G + Gᵀ)U, (G + Gᵀ)V with G = (2/n)Σ_k r_k e_{a_k} e_{b_k}ᵀ: O(n·d), no allocation. U and V are d×d,
 * row-major, double; the next iterate goes to a second buffer and the buffers are swapped. The forward pass
 * visits each distinct observed pair {i ≤ j} once, in row order; the update walks the rows of G + Gᵀ (CSR, built
 * once) and writes each output row in one pass: U'_i = (1 − ηλ)U_i − Σ_j t_ij U_j, V'_i = (1 − ηλ)V_i + Σ_j t_ij V_j.
 * Both go through {@link McKernels}, whose SIMD and scalar versions give the same bits (FMA in both). Large steps
 * run on {@link Workers} (inline while another run holds them): the forward over contiguous ranges of pairs, the
 * update over contiguous ranges of rows; each part writes its own entries, so the thread count never changes a result.
 */
public final class McTrainer {
    private final int d, n;
    private final int[] a, b;
    private final double[] y, res;
    /**
     * Rows of the symmetric pattern of G + Gᵀ: entries start[i]..start[i+1]−1 hold (neighbour row offset
     * nbr = j·d, observation obs), and per step the coefficients cu = −2η r_obs / n, cv = +2η r_obs / n.
     */
    private final int[] start, nbr, obs;

    private final double[] cu, cv;
    /** The distinct unordered observed pairs {i ≤ j}, sorted (row offsets pi = i·d, pj = j·d); pairOf[k] indexes them. */
    private final int[] pi, pj, pairOf;

    private final double[] wPair;
    private final double eta, decay;
    double[] u, v;
    private double[] u2, v2;
    private double loss;
    private final McKernels kernels;
    /** Parts a step is split into (1 = the calling thread only). */
    private final int parts;

    private final Workers.RangeBody forwardPart = this::forwardRange, updatePart = this::updateRange;

    public McTrainer(McConfig cfg, McData data) {
        this(cfg, data, McKernels.get(), defaultParts(cfg.d(), data.nTrain()));
    }

    /**
     * One part per 2¹⁴ of d·n (a half-step has ~2·d·n multiply-adds), up to the thread count: measured per step at
     * d = 97 (n = 470, 2 parts), 1 → 2 threads took the median from ~0.046 to 0.036–0.047 ms on a quiet machine, and
     * to ~0.07 ms in launches where the two vCPUs contend; even at d = 64, slower at d ≤ 48 (1 part), where the hand-off
     * costs more than the part it saves.
     */
    static int defaultParts(int d, int n) {
        return (int) Math.max(1, Math.min(Workers.threads(), (long) d * n >> 14));
    }

    McTrainer(McConfig cfg, McData data, McKernels kernels, int parts) {
        this.kernels = kernels;
        this.parts = parts;
        d = cfg.d();
        n = data.nTrain();
        a = data.rows();
        b = data.cols();
        y = data.y();
        res = new double[n];
        eta = cfg.lr();
        decay = 1 - cfg.lr() * cfg.weightDecay();
        int dd = d * d;
        u = new double[dd];
        v = new double[dd];
        u2 = new double[dd];
        v2 = new double[dd];
        for (int i = 0; i < d; i++) {
            u[i * d + i] = cfg.alpha();
            v[i * d + i] = cfg.alpha();
        }
        if (cfg.sigma() > 0) { // Remark 3.13: U(0)_ij, V(0)_ij ~ N(α·1{i=j}, σ²)
            Rng g = Rng.stream(cfg.seed(), "mc-init", 0);
            for (int i = 0; i < dd; i++) u[i] += cfg.sigma() * g.nextGaussian();
            for (int i = 0; i < dd; i++) v[i] += cfg.sigma() * g.nextGaussian();
        }
        // (G + Gᵀ) row a gets observation k at column b, row b gets it at column a (twice on the diagonal)
        start = new int[d + 1];
        for (int k = 0; k < n; k++) {
            start[a[k] + 1]++;
            start[b[k] + 1]++;
        }
        for (int i = 0; i < d; i++) start[i + 1] += start[i];
        nbr = new int[2 * n];
        obs = new int[2 * n];
        cu = new double[2 * n];
        cv = new double[2 * n];
        int[] fill = start.clone();
        for (int k = 0; k < n; k++) {
            int p = fill[a[k]]++;
            nbr[p] = b[k] * d;
            obs[p] = k;
            p = fill[b[k]]++;
            nbr[p] = a[k] * d;
            obs[p] = k;
        }
        // forward: each distinct pair once, in row order (row i of U, V stays in cache across its pairs)
        long[] key = new long[n];
        for (int k = 0; k < n; k++) key[k] = ((long) Math.min(a[k], b[k]) * d + Math.max(a[k], b[k])) << 32 | k;
        Arrays.sort(key);
        pairOf = new int[n];
        int[] ti = new int[n], tj = new int[n];
        int m = 0;
        long prev = -1;
        for (long x : key) {
            long pair = x >>> 32;
            if (pair != prev) {
                ti[m] = (int) (pair / d) * d;
                tj[m] = (int) (pair % d) * d;
                m++;
                prev = pair;
            }
            pairOf[(int) x] = m - 1;
        }
        pi = Arrays.copyOf(ti, m);
        pj = Arrays.copyOf(tj, m);
        wPair = new double[m];
    }

    /** W_ij = ⟨U_i, U_j⟩ − ⟨V_i, V_j⟩ with a fixed summation order (so W_ij and W_ji are the same bits). */
    static double entry(McKernels k, double[] u, double[] v, int d, int i, int j) {
        return i <= j ? k.dotDiff(u, v, i * d, j * d, d) : k.dotDiff(u, v, j * d, i * d, d);
    }

    /** Residuals r_k = W_{a_k b_k} − y_k of the current parameters and the training MSE. */
    public void forward() {
        Workers.forPartsOrInline(wPair.length, parts, forwardPart);
        residuals();
    }

    private void residuals() {
        final double[] w = wPair;
        double s = 0;
        for (int k = 0; k < n; k++) {
            double r = w[pairOf[k]] - y[k];
            res[k] = r;
            s += r * r;
        }
        loss = s / n;
    }

    private void forwardRange(int from, int to) {
        final double[] u = this.u, v = this.v, w = wPair;
        final int[] pi = this.pi, pj = this.pj;
        final McKernels kn = kernels;
        final int d = this.d;
        for (int q = from; q < to; q++) w[q] = kn.dotDiff(u, v, pi[q], pj[q], d);
    }

    /** Training MSE of the last {@link #forward()} (non-finite on divergence). */
    public double loss() {
        return loss;
    }

    /** One GD step from the residuals of the last {@link #forward()}. */
    public void step() {
        coefficients();
        Workers.forPartsOrInline(d, parts, updatePart);
        swap();
    }

    /**
     * The products of several trainers on the same observations, in one pass over the observed pairs (forward, for
     * those with forward[m]) and one over the rows of G + Gᵀ (the others' steps): each as its own {@link #forward()}
     * or {@link #step()} would, bit for bit (every entry is one trainer's own kernel call).
     */
    static void products(List<McTrainer> trainers, boolean[] forward) {
        List<McTrainer> f = new ArrayList<>(), s = new ArrayList<>();
        for (int m = 0; m < trainers.size(); m++) (forward[m] ? f : s).add(trainers.get(m));
        McTrainer t0 = trainers.get(0);
        for (McTrainer t : trainers)
            if (t.d != t0.d || t.n != t0.n || t.pi.length != t0.pi.length)
                throw new IllegalArgumentException("trainers of one batch must share their observations");
        int d = t0.d, parts = defaultParts(d, t0.n * Math.max(1, trainers.size()));
        McKernels kn = t0.kernels;
        if (!f.isEmpty()) {
            McTrainer[] ts = f.toArray(McTrainer[]::new);
            int[] pi = t0.pi, pj = t0.pj;
            Workers.forPartsOrInline(pi.length, parts, (from, to) -> {
                for (int q = from; q < to; q++)
                    for (McTrainer t : ts) t.wPair[q] = kn.dotDiff(t.u, t.v, pi[q], pj[q], d);
            });
            for (McTrainer t : ts) t.residuals();
        }
        if (!s.isEmpty()) {
            McTrainer[] ts = s.toArray(McTrainer[]::new);
            for (McTrainer t : ts) t.coefficients();
            int[] start = t0.start;
            Workers.forPartsOrInline(d, parts, (from, to) -> {
                for (int i = from; i < to; i++)
                    for (McTrainer t : ts)
                        kn.rowUpdate(
                                t.u, t.v, t.u2, t.v2, i * d, 0, d, t.decay, t.nbr, t.cu, t.cv, start[i], start[i + 1]);
            });
            for (McTrainer t : ts) t.swap();
        }
    }

    private void swap() {
        double[] u = this.u, v = this.v;
        this.u = u2;
        this.v = v2;
        this.u2 = u;
        this.v2 = v;
    }

    /** The step's coefficients cu, cv from the residuals. */
    private void coefficients() {
        final double cg = 2 * eta / n;
        final double[] cu = this.cu, cv = this.cv, res = this.res;
        final int[] obs = this.obs;
        for (int p = 0; p < cu.length; p++) {
            double t = cg * res[obs[p]];
            cu[p] = -t;
            cv[p] = t;
        }
    }

    /** Output rows from..to−1 of the step: each row's column blocks of U and V in registers across all its neighbours (fused decay). */
    private void updateRange(int from, int to) {
        final double[] u = this.u, v = this.v, u2 = this.u2, v2 = this.v2, cu = this.cu, cv = this.cv;
        final int[] nbr = this.nbr, start = this.start;
        final double decay = this.decay;
        final int d = this.d;
        final McKernels k = kernels;
        for (int i = from; i < to; i++)
            k.rowUpdate(u, v, u2, v2, i * d, 0, d, decay, nbr, cu, cv, start[i], start[i + 1]);
    }

    /** Threads one step uses. */
    public int threads() {
        return Math.min(parts, Workers.threads());
    }

    /** Copies of U and V. */
    double[][] state() {
        return new double[][] {u.clone(), v.clone()};
    }

    /** Sets U and V to a {@link #state()} of a trainer of the same config. */
    void restore(double[][] s) {
        if (s.length != 2 || s[0].length != u.length || s[1].length != v.length)
            throw new IllegalArgumentException("checkpoint does not fit matrix completion with d = " + d);
        System.arraycopy(s[0], 0, u, 0, u.length);
        System.arraycopy(s[1], 0, v, 0, v.length);
    }

    /** The full W = UUᵀ − VVᵀ into w (d×d, exactly symmetric). */
    public void fullW(double[] w) {
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double x = entry(kernels, u, v, d, i, j);
                w[i * d + j] = x;
                w[j * d + i] = x;
            }
        }
    }

    /** The kernel set the step runs on (vector256 or scalar), for provenance and the benchmark. */
    public String kernelName() {
        return kernels.name();
    }

    /** ‖θ‖₂ = √(‖U‖_F² + ‖V‖_F²). */
    public double norm() {
        double s = 0;
        for (double x : u) s += x * x;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
