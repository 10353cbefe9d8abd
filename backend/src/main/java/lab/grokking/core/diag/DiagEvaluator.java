package lab.grokking.core.diag;

import lab.grokking.core.TrainingLoop;

/** Computes one metrics row (columns of {@link DiagSpec#COLUMNS}) from the trainer's state, in double. */
final class DiagEvaluator {
    private final DiagConfig cfg;
    private final DiagTrainer tr;
    private final TestSet test;
    private final double[] y, yTest, outEarly, outLate, w2, w1, w, testOut, trainOut;
    private final int support;
    private final double w2norm, w1norm;

    DiagEvaluator(
            DiagConfig cfg,
            DiagTrainer tr,
            TestSet test,
            double[] y,
            double[] outEarly,
            double[] outLate,
            double[] w2,
            double[] w1,
            int support) {
        this.cfg = cfg;
        this.tr = tr;
        this.test = test;
        this.y = y;
        this.yTest = test.labels();
        this.outEarly = outEarly;
        this.outLate = outLate;
        this.w2 = w2;
        this.w1 = w1;
        this.support = support;
        this.w = new double[w2.length];
        this.testOut = new double[test.size()];
        this.trainOut = new double[y.length];
        this.w2norm = DiagRun.norm2(w2);
        this.w1norm = DiagRun.norm2(w1);
    }

    /** w = u^L − v^L as of the last evaluation. */
    double[] lastW() {
        return w;
    }

    double[] evaluate(long step) {
        int L = cfg.depth();
        double[] u = tr.u, v = tr.v;
        double eta = cfg.lr(), lam = cfg.weightDecay();
        double normSq = 0, l1 = 0, l2sq = 0, dot2 = 0, dot1 = 0, onSupport = 0, disp = 0;
        // the paper's kernel-regime measure ‖e^{ληk}θ/α − θ̄‖ with θ̄ = θ(0)/α
        double scale = StrictMath.exp(lam * eta * step) / cfg.alpha(), bar = 1 / Math.sqrt(2.0 * u.length);
        for (int k = 0; k < u.length; k++) {
            double uk = u[k], vk = v[k], wk = DiagTrainer.wOf(uk, vk, L);
            w[k] = wk;
            normSq += uk * uk + vk * vk;
            l1 += Math.abs(wk);
            l2sq += wk * wk;
            dot2 += wk * w2[k];
            dot1 += wk * w1[k];
            if (k < support) onSupport += Math.abs(wk);
            double du = scale * uk - bar, dv = scale * vk - bar;
            disp += du * du + dv * dv;
        }
        for (int i = 0; i < y.length; i++) trainOut[i] = tr.z[i];
        test.outputs(w, testOut);
        double l2 = Math.sqrt(l2sq), minMargin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < y.length; i++) minMargin = Math.min(minMargin, y[i] * trainOut[i]);
        return new double[] {
            step,
            eta * step,
            DiagRun.logisticLoss(y, trainOut),
            DiagRun.logisticLoss(yTest, testOut),
            DiagRun.accuracy(y, trainOut),
            DiagRun.accuracy(yTest, testOut),
            Math.sqrt(normSq),
            cfg.alpha() * StrictMath.exp(-lam * eta * step),
            TrainingLoop.transitionStep(cfg.alpha(), eta, lam),
            l2 > 0 ? minMargin / l2 : Double.NaN,
            l1 > 0 ? minMargin / l1 : Double.NaN,
            l2 > 0 ? dot2 / (l2 * w2norm) : Double.NaN,
            l2 > 0 ? dot1 / (l2 * w1norm) : Double.NaN,
            DiagRun.agreement(testOut, outEarly),
            DiagRun.agreement(testOut, outLate),
            l2 > 0 ? l1 / l2 : Double.NaN,
            support > 0 && l1 > 0 ? onSupport / l1 : Double.NaN,
            Math.sqrt(disp)
        };
    }
}
