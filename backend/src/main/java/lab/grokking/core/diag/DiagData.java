package lab.grokking.core.diag;

import lab.grokking.core.Rng;
import lab.grokking.core.linalg.DenseDesign;
import lab.grokking.core.linalg.Design;
import lab.grokking.core.linalg.SignDesign;
import lab.grokking.core.linalg.Workers;

/** The training set and ground truth of a diagonal-net run, generated from the config's seed. */
public record DiagData(Design train, double[] y, double[] wStar, int support) {

    public static DiagData generate(DiagConfig cfg) {
        return cfg.sparse() ? sparse(cfg) : gaussian(cfg);
    }

    /** w*: the first k coordinates uniform ±1 (as the reference code), the rest 0. */
    static double[] sparseTruth(DiagConfig cfg) {
        Rng r = Rng.stream(cfg.seed(), "wstar", 0);
        double[] w = new double[cfg.d()];
        for (int j = 0; j < cfg.k(); j++) w[j] = r.nextBoolean() ? 1 : -1;
        return w;
    }

    /** Row i of a ±1 data set (train or test stream) as bit words; padding bits are zero. */
    static void signRow(long seed, String stream, long i, int d, long[] out, int offset) {
        Rng r = Rng.stream(seed, stream, i);
        int words = SignDesign.wordsFor(d);
        for (int wd = 0; wd < words; wd++) out[offset + wd] = r.nextLong();
        if ((d & 63) != 0) out[offset + words - 1] &= (1L << (d & 63)) - 1;
    }

    /** y = sign⟨w*, x⟩ for sparse ±1 data; only the first k bits matter. */
    static double sparseLabel(double[] wStar, int k, long[] row, int offset) {
        double s = 0;
        for (int j = 0; j < k; j++) s += ((row[offset + (j >>> 6)] >>> (j & 63)) & 1L) != 0 ? wStar[j] : -wStar[j];
        return s > 0 ? 1 : -1;
    }

    private static DiagData sparse(DiagConfig cfg) {
        int n = cfg.n(), d = cfg.d(), words = SignDesign.wordsFor(d);
        double[] wStar = sparseTruth(cfg);
        long[] bits = new long[Math.multiplyExact(n, words)];
        double[] y = new double[n];
        Workers.forRange(n, 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                signRow(cfg.seed(), "train", i, d, bits, i * words);
                y[i] = sparseLabel(wStar, cfg.k(), bits, i * words);
            }
        });
        return new DiagData(new SignDesign(n, d, bits), y, wStar, cfg.k());
    }

    /** w* uniform on the unit sphere. */
    static double[] gaussianTruth(DiagConfig cfg) {
        Rng r = Rng.stream(cfg.seed(), "wstar", 0);
        double[] w = new double[cfg.d()];
        double s = 0;
        for (int k = 0; k < w.length; k++) s += (w[k] = r.nextGaussian()) * w[k];
        double norm = Math.sqrt(s);
        for (int k = 0; k < w.length; k++) w[k] /= norm;
        return w;
    }

    private static DiagData gaussian(DiagConfig cfg) {
        int n = cfg.n(), d = cfg.d();
        double[] wStar = gaussianTruth(cfg);
        DenseDesign x = new DenseDesign(n, d);
        double[] y = new double[n];
        Workers.forRange(n, 4, (from, to) -> {
            double[] z = new double[d];
            for (int i = from; i < to; i++) {
                Rng r = Rng.stream(cfg.seed(), "train", i);
                double s = 0;
                for (int k = 0; k < d; k++) s += (z[k] = r.nextGaussian()) * wStar[k];
                y[i] = s > 0 ? 1 : -1;
                double shift = cfg.gamma() / 2 * y[i];
                for (int k = 0; k < d; k++) x.set(i, k, (float) (z[k] + shift * wStar[k]));
            }
        });
        return new DiagData(x, y, wStar, 0);
    }
}
