package lab.grokking.core.linalg;

import java.util.Arrays;

/** Reference kernels in plain Java; the vector kernels must match them bit for bit. */
final class ScalarKernels extends Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    @Override
    public String name() {
        return "scalar";
    }

    /** T[(g - g0)·8 + b] = (±v[3g] ± v[3g+1]) ± v[3g+2], bit j of b set for +v[3g+j]; terms at m ≥ inner omitted. */
    static void groupTables(float[] v, int inner, int g0, int g1, float[] t) {
        for (int g = g0; g < g1; g++)
            for (int b = 0; b < 8; b++) {
                float s = 0f;
                for (int j = 0, m = 3 * g; j < 3 && m < inner; j++, m++) {
                    float term = (b >>> j & 1) != 0 ? v[m] : -v[m];
                    s = j == 0 ? term : s + term;
                }
                t[(g - g0) * 8 + b] = s;
            }
    }

    @Override
    public void signSum(
            int[] idx,
            int inner,
            int from,
            int to,
            int chunkFrom,
            int chunkTo,
            float[] v,
            float[] out,
            int off,
            int len,
            int chunkStride) {
        int groups = (inner + 2) / 3, q = (inner + 29) / 30;
        float[] t = new float[Math.min(groups, CHUNK_GROUPS) * 8];
        for (int ch = chunkFrom; ch < chunkTo; ch++) {
            int c0 = ch * CHUNK_INTS, c1 = Math.min(q, c0 + CHUNK_INTS), g0 = c0 * 10, g1 = Math.min(groups, c1 * 10);
            int o = off + (ch - chunkFrom) * chunkStride;
            boolean first = chunkStride != 0 || ch == chunkFrom;
            groupTables(v, inner, g0, g1, t);
            for (int b = from; b < to; b++)
                for (int l = 0; l < 8 && 8 * b + l < len; l++) {
                    float s = 0f;
                    for (int g = g0; g < g1; g++)
                        s += t[(g - g0) * 8 + (idx[(b * q + g / 10) * 8 + l] >>> 3 * (g % 10) & 7)];
                    out[o + 8 * b + l] = first ? s : out[o + 8 * b + l] + s;
                }
        }
    }

    @Override
    public void signSumBatch(
            int[] idx,
            int inner,
            int from,
            int to,
            int chunkFrom,
            int chunkTo,
            float[][] v,
            int count,
            float[][] out,
            int off,
            int len,
            int chunkStride) {
        int groups = (inner + 2) / 3, q = (inner + 29) / 30, cg = Math.min(groups, CHUNK_GROUPS);
        float[][] t = new float[count][cg * 8];
        float[] s = new float[count];
        for (int ch = chunkFrom; ch < chunkTo; ch++) {
            int c0 = ch * CHUNK_INTS, c1 = Math.min(q, c0 + CHUNK_INTS), g0 = c0 * 10, g1 = Math.min(groups, c1 * 10);
            int o = off + (ch - chunkFrom) * chunkStride;
            boolean first = chunkStride != 0 || ch == chunkFrom;
            for (int m = 0; m < count; m++) groupTables(v[m], inner, g0, g1, t[m]);
            for (int b = from; b < to; b++)
                for (int l = 0; l < 8 && 8 * b + l < len; l++) {
                    Arrays.fill(s, 0f);
                    for (int g = g0; g < g1; g++) {
                        int e = (g - g0) * 8 + (idx[(b * q + g / 10) * 8 + l] >>> 3 * (g % 10) & 7); // read once
                        for (int m = 0; m < count; m++) s[m] += t[m][e];
                    }
                    for (int m = 0; m < count; m++) out[m][o + 8 * b + l] = first ? s[m] : out[m][o + 8 * b + l] + s[m];
                }
        }
    }

    @Override
    public void denseMultiply(float[] x, int cols, int from, int to, float[] w, float[] out) {
        float[] p = new float[PARTIALS];
        for (int i = from; i < to; i++) {
            Arrays.fill(p, 0f);
            int base = i * cols;
            for (int k = 0; k < cols; k++) p[k & (PARTIALS - 1)] += x[base + k] * w[k];
            out[i] = reduce(p);
        }
    }

    @Override
    public void denseMultiplyTransposed(float[] x, int cols, int rows, int colFrom, int colTo, float[] c, float[] out) {
        Arrays.fill(out, colFrom, colTo, 0f);
        for (int i = 0; i < rows; i++) {
            float ci = c[i];
            int base = i * cols;
            for (int k = colFrom; k < colTo; k++) out[k] += ci * x[base + k];
        }
    }
}
