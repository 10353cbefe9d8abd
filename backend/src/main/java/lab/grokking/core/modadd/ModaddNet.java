package lab.grokking.core.modadd;

import java.util.function.IntConsumer;
import lab.grokking.core.Rng;
import lab.grokking.core.linalg.Workers;

/**
 * GD state of f(x) = W₂·ReLU(W₁x + b₁) on one-hot(a) ‖ one-hot(b), float32 parameters, and its full-batch step.
 * W₁ is stored transposed, E = W₁ᵀ (2p × h), so W₁x = E[a] + E[p + b] is a gather of two rows and its gradient a
 * scatter-add; W₂ is p × h (and a transposed copy h × p for the logits product). Every buffer is allocated here,
 * once: forward, backward and update allocate nothing. Products run through {@link MatMul}, split over row ranges
 * by {@link Workers}; each output entry is computed in the same order whatever the split, so results do not depend
 * on the thread count, and the scatter-add walks samples in order per column range.
 */
public final class ModaddNet {
    final int p, h, n;
    /** Row stride of the logits and of W₂ᵀ: p rounded up to 8 (whole vectors; the padding columns stay exactly 0). */
    final int pq;

    private final int[] xa, xb, y;
    final float[] e, b1, w2;
    private final float[] w2t, ge, gb, gw2, gw2t;
    final float[] hid, z;
    private final float[] dh, dz;
    private final double[] lOthers, sp, lnSp;
    private final float lr, wd;
    private final boolean normalised;
    private final double lrFactor, logLossSwitch, lnLr;
    private final MatMul mm;
    private double lnLoss, lnTime = Double.NEGATIVE_INFINITY, shift;
    private final Split forwardRows, backwardRows, weightGrad, scatter;

    ModaddNet(ModaddConfig cfg, ModaddData data, MatMul mm) {
        this.mm = mm;
        p = cfg.p();
        pq = (p + 7) & ~7;
        h = cfg.width();
        n = data.nTrain();
        xa = data.trainA();
        xb = data.trainB();
        y = data.trainY();
        e = new float[2 * p * h];
        b1 = new float[h];
        w2 = new float[p * h];
        w2t = new float[h * pq];
        ge = new float[e.length];
        gb = new float[h];
        gw2 = new float[w2.length];
        gw2t = new float[w2t.length];
        hid = new float[n * h];
        dh = new float[n * h];
        z = new float[n * pq];
        dz = new float[n * pq];
        lOthers = new double[n];
        sp = new double[n];
        lnSp = new double[n];
        lr = (float) cfg.lr();
        wd = (float) cfg.weightDecay();
        normalised = cfg.lossNormalised();
        lrFactor = cfg.lrFactor();
        logLossSwitch = cfg.logLossSwitch();
        lnLr = StrictMath.log(cfg.lr());
        init(cfg);
        int rowWork = h * p;
        forwardRows = new Split(n, Workers.minChunk(rowWork), (from, to) -> {
            hidden(xa, xb, from, to, hid);
            mm.gemm(from, to, pq, h, hid, h, 1, w2t, pq, z, pq, false);
            mm.logOthers(z, pq, p, y, from, to, lOthers);
            for (int i = from; i < to; i++) {
                double sp = CrossEntropy.softplus(lOthers[i]);
                this.sp[i] = sp;
                lnSp[i] = CrossEntropy.logSoftplus(lOthers[i], sp);
            }
        });
        backwardRows = new Split(n, Workers.minChunk(rowWork), (from, to) -> {
            mm.softmaxGradient(z, pq, p, y, lOthers, sp, shift, dz, from, to);
            mm.gemm(from, to, h, p, dz, pq, 1, w2, h, dh, h, false);
            mm.reluMask(hid, dh, from * h, to * h);
        });
        // ∇W₂ᵀ = Hᵀ·dz (h × pq): the packed operand is dz (n × pq), not H (n × h), and the split runs over h
        weightGrad = new Split(
                h,
                Workers.minChunk((long) n * pq),
                (from, to) -> mm.gemm(from, to, pq, n, hid, 1, h, dz, pq, gw2t, pq, false));
        scatter = new Split(
                h, Workers.minChunk(3L * n), (from, to) -> mm.scatter(dh, n, h, xa, xb, 2 * p, ge, gb, from, to));
    }

    /** A net on cfg's training pairs with the default backend; public for bench/java/ModaddStepBench.java. */
    public static ModaddNet create(ModaddConfig cfg) {
        return create(cfg, MatMul.get());
    }

    /** The same with another matrix-multiply backend (bench/java/Nd4jModaddStepBench.java's ND4J one). */
    public static ModaddNet create(ModaddConfig cfg, MatMul mm) {
        return new ModaddNet(cfg, ModaddData.generate(cfg), mm);
    }

    /** The matrix-multiply backend's name. */
    public String backend() {
        return mm.name();
    }

    /** He init (W₁ ~ N(0, 2/2p), W₂ ~ N(0, 1/h), b₁ = 0) times α, drawn in PyTorch's W₁ (h × 2p) row order. */
    private void init(ModaddConfig cfg) {
        Rng g = Rng.stream(cfg.seed(), "modadd-init", 0);
        double s1 = cfg.alpha() * Math.sqrt(1.0 / p), s2 = cfg.alpha() * Math.sqrt(1.0 / h);
        for (int i = 0; i < h; i++) for (int c = 0; c < 2 * p; c++) e[c * h + i] = (float) (s1 * g.nextGaussian());
        if (!cfg.zeroLastLayer()) for (int i = 0; i < w2.length; i++) w2[i] = (float) (s2 * g.nextGaussian());
        transposeW2();
    }

    /** A fixed split of [0, total) into ranges run by {@link Workers}; built once, so a call allocates nothing. */
    private static final class Split implements IntConsumer {
        final int total, parts;
        final Workers.RangeBody body;

        Split(int total, int minChunk, Workers.RangeBody body) {
            this.total = total;
            this.parts = Workers.parts(total, minChunk);
            this.body = body;
        }

        @Override
        public void accept(int q) {
            body.run((int) ((long) total * q / parts), (int) ((long) total * (q + 1) / parts));
        }

        void run() {
            Workers.run(parts, this);
        }
    }

    /** Hidden activations ReLU(E[a] + E[b] + b₁) of samples from..to−1 into out (rows of h). */
    void hidden(int[] a, int[] b, int from, int to, float[] out) {
        for (int i = from; i < to; i++) mm.reluGather(e, a[i] * h, b[i] * h, b1, out, i * h, h);
    }

    /** Logits of samples (a, b) into zOut through hOut (used for the test set). */
    void predict(int[] a, int[] b, int count, float[] hOut, float[] zOut) {
        Workers.forRange(count, Workers.minChunk((long) h * p), (from, to) -> {
            hidden(a, b, from, to, hOut);
            mm.gemm(from, to, pq, h, hOut, h, 1, w2t, pq, zOut, pq, false);
        });
    }

    /** Logits and per-sample losses of the current parameters; ln 𝓛 of the mean training loss. */
    public void forward() {
        forwardRows.run();
        lnLoss = CrossEntropy.logMeanExp(lnSp, n);
    }

    /** ln 𝓛 of the last {@link #forward()} (non-finite on divergence). */
    public double lnLoss() {
        return lnLoss;
    }

    /** One GD step from the last {@link #forward()}: gradient of 𝓛 (or of lrFactor·𝓛 / ln 𝓛 when loss-normalised), coupled decay. */
    public void step() {
        double lnN = StrictMath.log(n), shift; // dz = e^{ln ∂ℓ/∂z − shift}: shift = ln n for ∇𝓛
        if (!normalised) {
            shift = lnN;
        } else if (lnLoss > logLossSwitch) {
            shift = lnN - StrictMath.log(lrFactor);
            lnTime = logAddExp(lnTime, lnLr + StrictMath.log(lrFactor));
        } else {
            shift = lnN + lnLoss; // ∇ ln 𝓛 = ∇𝓛 / 𝓛
            lnTime = logAddExp(lnTime, lnLr - lnLoss);
        }
        backward(shift);
        update(e, ge);
        update(b1, gb);
        update(w2, gw2);
        transposeW2();
    }

    /** Gradients ge, gb, gw2 of Σ_i ℓ_i·e^{−shift} at the last {@link #forward()}. */
    void backward(double shift) {
        this.shift = shift;
        backwardRows.run(); // dz, then dH = dz·W₂ masked by ReLU'
        weightGrad.run();
        for (int j = 0; j < p; j++) for (int k = 0; k < h; k++) gw2[j * h + k] = gw2t[k * pq + j];
        scatter.run();
    }

    /** The gradients of the last {@link #backward}: E = W₁ᵀ, b₁, W₂ (live arrays, for tests). */
    float[][] gradients() {
        return new float[][] {ge, gb, gw2};
    }

    /** θ ← θ − η(g + λθ), PyTorch SGD with weight_decay. */
    private void update(float[] w, float[] g) {
        final float lr = this.lr, wd = this.wd;
        for (int i = 0; i < w.length; i++) w[i] = w[i] - lr * (g[i] + wd * w[i]);
    }

    void transposeW2() {
        for (int j = 0; j < p; j++) for (int k = 0; k < h; k++) w2t[k * pq + j] = w2[j * h + k];
    }

    static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double m = Math.max(a, b);
        return m + StrictMath.log1p(StrictMath.exp(-Math.abs(a - b)));
    }

    /** ln t of the loss-normalised GD's continuous time (−∞ before the first step; unused with plain GD). */
    double lnTime() {
        return lnTime;
    }

    /** ‖E‖², ‖b₁‖², ‖W₂‖² in double. */
    double[] squaredNorms() {
        return new double[] {sq(e), sq(b1), sq(w2)};
    }

    private static double sq(float[] a) {
        double s = 0;
        for (float v : a) s += (double) v * v;
        return s;
    }

    String matmulName() {
        return mm.name();
    }

    /** Copies of E, b₁, W₂ (exact in double) and the loss-normalised GD's ln t. */
    double[][] state() {
        return new double[][] {toDouble(e), toDouble(b1), toDouble(w2), {lnTime}};
    }

    void restore(double[][] s) {
        if (s.length != 4
                || s[0].length != e.length
                || s[1].length != b1.length
                || s[2].length != w2.length
                || s[3].length != 1)
            throw new IllegalArgumentException("checkpoint does not fit modadd with p = " + p + ", width = " + h);
        toFloat(s[0], e);
        toFloat(s[1], b1);
        toFloat(s[2], w2);
        lnTime = s[3][0];
        transposeW2();
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void toFloat(double[] d, float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = (float) d[i];
    }
}
