package lab.grokking.core.mc;

import lab.grokking.core.TrainingLoop;

/** Computes one metrics row (columns of {@link McSpec#COLUMNS}) from the trainer's state, in double. */
final class McEvaluator {
    private final McConfig cfg;
    private final McData data;
    private final McTrainer tr;
    private final double[] early, late, w, sv;
    private final double earlyNorm, lateNorm, initNorm;
    private final SymEigen eig;

    McEvaluator(McConfig cfg, McData data, McTrainer tr, double[] early, double[] late, double initNorm) {
        this.cfg = cfg;
        this.data = data;
        this.tr = tr;
        this.early = early;
        this.late = late;
        this.initNorm = initNorm;
        int d = cfg.d();
        w = new double[d * d];
        sv = new double[d];
        eig = new SymEigen(d);
        earlyNorm = frobenius(early);
        lateNorm = frobenius(late);
    }

    /** The W of the last evaluation (row-major, the evaluator's array). */
    double[] lastW() {
        return w;
    }

    double[] evaluate(long step) {
        int d = cfg.d();
        double eta = cfg.lr(), lam = cfg.weightDecay();
        tr.fullW(w);
        double nuclear = Double.NaN, sv1 = Double.NaN, sv2 = Double.NaN, sv3 = Double.NaN, erank = Double.NaN;
        if (allFinite(w)) {
            eig.decompose(w, false);
            eig.singularValuesDescending(sv);
            nuclear = 0;
            for (double s : sv) nuclear += s;
            sv1 = sv[0];
            sv2 = d > 1 ? sv[1] : Double.NaN;
            sv3 = d > 2 ? sv[2] : Double.NaN;
            erank = effectiveRank(sv);
        }
        return new double[] {
            step,
            eta * step,
            data.trainMse(w),
            data.testMse(w),
            tr.norm(),
            initNorm * StrictMath.exp(-lam * eta * step),
            TrainingLoop.transitionStep(cfg.alpha(), eta, lam),
            nuclear,
            sv1,
            sv2,
            sv3,
            erank,
            distance(w, early, earlyNorm),
            distance(w, late, lateNorm)
        };
    }

    /** exp of the entropy of σ/Σσ (Roy & Vetterli): 1 for rank one, r for r equal singular values; NaN for W = 0. */
    static double effectiveRank(double[] sv) {
        double total = 0;
        for (double s : sv) total += s;
        if (!(total > 0)) return Double.NaN;
        double h = 0;
        for (double s : sv) {
            if (s <= 0) continue;
            double p = s / total;
            h -= p * StrictMath.log(p);
        }
        return StrictMath.exp(h);
    }

    /** ‖w − ref‖_F / ‖ref‖_F (NaN when ref = 0). */
    static double distance(double[] w, double[] ref, double refNorm) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            double r = w[i] - ref[i];
            s += r * r;
        }
        return refNorm > 0 ? Math.sqrt(s) / refNorm : Double.NaN;
    }

    static double frobenius(double[] a) {
        double s = 0;
        for (double x : a) s += x * x;
        return Math.sqrt(s);
    }

    static boolean allFinite(double[] a) {
        for (double x : a) if (!Double.isFinite(x)) return false;
        return true;
    }
}
