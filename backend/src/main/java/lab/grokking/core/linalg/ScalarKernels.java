package lab.grokking.core.linalg;

/** Reference kernels in plain Java; the vector kernels must match them bit for bit. */
final class ScalarKernels extends Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    @Override public String name() { return "scalar"; }

    @Override
    public void signMultiply(long[] bits, int wordsPerRow, int from, int to, float[] w, float[] out) {
        float[] p = new float[PARTIALS];
        for (int i = from; i < to; i++) {
            java.util.Arrays.fill(p, 0f);
            int base = i * wordsPerRow;
            for (int wd = 0; wd < wordsPerRow; wd++) {
                long word = bits[base + wd];
                for (int b = 0; b < 64; b++) p[b & (PARTIALS - 1)] += (word >>> b & 1L) != 0 ? w[wd * 64 + b] : -w[wd * 64 + b];
            }
            out[i] = reduce(p);
        }
    }

    @Override
    public void signMultiplyTransposed(long[] bits, int wordsPerRow, int rows, int wordFrom, int wordTo, float[] c, float[] out) {
        for (int wd = wordFrom; wd < wordTo; wd++) {
            for (int b = 0; b < 64; b++) {
                float s = 0f;
                for (int i = 0; i < rows; i++) s += (bits[i * wordsPerRow + wd] >>> b & 1L) != 0 ? c[i] : -c[i];
                out[wd * 64 + b] = s;
            }
        }
    }

    @Override
    public void denseMultiply(float[] x, int cols, int from, int to, float[] w, float[] out) {
        float[] p = new float[PARTIALS];
        for (int i = from; i < to; i++) {
            java.util.Arrays.fill(p, 0f);
            int base = i * cols;
            for (int k = 0; k < cols; k++) p[k & (PARTIALS - 1)] += x[base + k] * w[k];
            out[i] = reduce(p);
        }
    }

    @Override
    public void denseMultiplyTransposed(float[] x, int cols, int rows, int colFrom, int colTo, float[] c, float[] out) {
        java.util.Arrays.fill(out, colFrom, colTo, 0f);
        for (int i = 0; i < rows; i++) {
            float ci = c[i];
            int base = i * cols;
            for (int k = colFrom; k < colTo; k++) out[k] += ci * x[base + k];
        }
    }
}
