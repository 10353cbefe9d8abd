package lab.grokking.core.diag;

import java.util.Arrays;
import lab.grokking.core.Rng;
import lab.grokking.core.linalg.SignDesign;
import lab.grokking.core.linalg.Workers;

/**
 * Sparse-task test points, regenerated from their own seed in chunks at every evaluation instead of
 * held in memory (10⁴ × 10⁵ bits would be 125 MB; as float32, 4 GB). Outputs use the float32 kernel.
 */
final class SparseTestSet implements TestSet {
    private final DiagConfig cfg;
    private final double[] labels;
    private final int words;

    SparseTestSet(DiagConfig cfg, double[] wStar) {
        this.cfg = cfg;
        this.words = SignDesign.wordsFor(cfg.d());
        this.labels = new double[cfg.nTest()];
        int labelWords = SignDesign.wordsFor(cfg.k());
        long[] row = new long[words];
        for (int j = 0; j < labels.length; j++) {
            Rng r = Rng.stream(cfg.seed(), "test", j);
            for (int wd = 0; wd < labelWords; wd++) row[wd] = r.nextLong(); // the same first words signRow draws
            labels[j] = DiagData.sparseLabel(wStar, cfg.k(), row, 0);
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public double[] labels() {
        return labels;
    }

    @Override
    public void outputs(double[] w, double[] out) {
        float[] wf = new float[words * 64];
        for (int k = 0; k < w.length; k++) wf[k] = (float) w[k];
        int chunk = DiagRun.TEST_CHUNK;
        long[] bits = new long[Math.min(chunk, labels.length) * words];
        float[] z = new float[chunk];
        for (int start = 0; start < labels.length; start += chunk) {
            int rows = Math.min(chunk, labels.length - start), s0 = start;
            Workers.forRange(rows, 16, (from, to) -> {
                for (int i = from; i < to; i++) DiagData.signRow(cfg.seed(), "test", s0 + i, cfg.d(), bits, i * words);
            });
            long[] used = rows * words == bits.length ? bits : Arrays.copyOf(bits, rows * words);
            new SignDesign(rows, cfg.d(), used).multiply(wf, z);
            for (int i = 0; i < rows; i++) out[start + i] = z[i];
        }
    }
}
