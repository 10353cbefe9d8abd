package lab.grokking.core.mc;

import lab.grokking.core.Rng;

/**
 * GD state of W = UUᵀ − VVᵀ and its update θ ← θ − η(∇𝓛 + λθ) on 𝓛 = (1/n)Σ_k (W_{a_k b_k} − y_k)².
 * A step needs W only on the n observed entries (2n row dot products) and the sparse-times-dense products
 * (G + Gᵀ)U, (G + Gᵀ)V with G = (2/n)Σ_k r_k e_{a_k} e_{b_k}ᵀ: O(n·d), no allocation. U and V are d×d,
 * row-major, double; the next iterate goes to a second buffer and the buffers are swapped.
 */
public final class McTrainer {
    private final int d, n;
    private final int[] a, b;
    private final double[] y, res;
    /** Rows of the symmetric pattern of G + Gᵀ: entries start[i]..start[i+1]−1 hold (neighbour, observation). */
    private final int[] start, nbr, obs;
    private final double eta, decay;
    double[] u, v;
    private double[] u2, v2;
    private double loss;
    private final McKernels kernels;

    public McTrainer(McConfig cfg, McData data) { this(cfg, data, McKernels.get()); }

    McTrainer(McConfig cfg, McData data, McKernels kernels) {
        this.kernels = kernels;
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
        int[] fill = start.clone();
        for (int k = 0; k < n; k++) {
            int p = fill[a[k]]++;
            nbr[p] = b[k];
            obs[p] = k;
            p = fill[b[k]]++;
            nbr[p] = a[k];
            obs[p] = k;
        }
    }

    /** W_ij = ⟨U_i, U_j⟩ − ⟨V_i, V_j⟩ with a fixed summation order (so W_ij and W_ji are the same bits). */
    static double entry(McKernels k, double[] u, double[] v, int d, int i, int j) {
        return i <= j ? k.dotDiff(u, v, i * d, j * d, d) : k.dotDiff(u, v, j * d, i * d, d);
    }

    /** Residuals r_k = W_{a_k b_k} − y_k of the current parameters and the training MSE. */
    public void forward() {
        double s = 0;
        for (int k = 0; k < n; k++) {
            double r = entry(kernels, u, v, d, a[k], b[k]) - y[k];
            res[k] = r;
            s += r * r;
        }
        loss = s / n;
    }

    /** Training MSE of the last {@link #forward()} (non-finite on divergence). */
    public double loss() { return loss; }

    /** One GD step from the residuals of the last {@link #forward()}. */
    public void step() {
        final double[] u = this.u, v = this.v, u2 = this.u2, v2 = this.v2;
        final double cg = 2 * eta / n, decay = this.decay;
        final int d = this.d;
        final McKernels k = kernels;
        for (int i = 0; i < d; i++) {
            int o = i * d;
            k.scale(u, v, u2, v2, o, d, decay);
            for (int p = start[i], e = start[i + 1]; p < e; p++) k.axpy(u, v, u2, v2, o, nbr[p] * d, d, cg * res[obs[p]]);
        }
        this.u = u2;
        this.v = v2;
        this.u2 = u;
        this.v2 = v;
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

    String kernelName() { return kernels.name(); }

    /** ‖θ‖₂ = √(‖U‖_F² + ‖V‖_F²). */
    public double norm() {
        double s = 0;
        for (double x : u) s += x * x;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
