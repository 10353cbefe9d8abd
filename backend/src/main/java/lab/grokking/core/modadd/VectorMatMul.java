package lab.grokking.core.modadd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatMul} with 256-bit float vectors: k in blocks of {@value #KB} (the rows of B a block touches stay in
 * cache), 4 rows × 24 columns of C in 12 registers per block, then 4 × 8, then scalar columns (callers pad rows to a multiple of 8 columns). Splitting k into
 * blocks stores and reloads the partial sums, which are floats already, so the fma chain per entry is unchanged.
 */
final class VectorMatMul implements MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int KB = 128;

    private VectorMatMul() {}

    static MatMul create() { return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new VectorMatMul() : null; }

    @Override public String name() { return "vector256"; }

    @Override
    public void gemm(int i0, int i1, int n, int kDim, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
        if (kDim == 0) {
            if (!accumulate) for (int i = i0; i < i1; i++) java.util.Arrays.fill(c, i * ldc, i * ldc + n, 0f);
            return;
        }
        for (int k0 = 0; k0 < kDim; k0 += KB) {
            int k1 = Math.min(kDim, k0 + KB);
            boolean acc = accumulate || k0 > 0;
            int i = i0;
            for (; i + 3 < i1; i += 4) rows4(i, n, k0, k1, a, aRow, aCol, b, ldb, c, ldc, acc);
            for (; i < i1; i++) row1(i, n, k0, k1, a, aRow, aCol, b, ldb, c, ldc, acc);
        }
    }

    // branch-free: the sign of a hidden unit is a coin flip, so branches mispredict half the time
    @Override
    public void reluGather(float[] x, int xa, int xb, float[] bias, float[] out, int o, int len) {
        int k = 0;
        for (; k + 7 < len; k += 8)
            FloatVector.fromArray(S, x, xa + k).add(FloatVector.fromArray(S, x, xb + k)).add(FloatVector.fromArray(S, bias, k)).max(0f).intoArray(out, o + k);
        for (; k < len; k++) out[o + k] = Math.max((x[xa + k] + x[xb + k]) + bias[k], 0f);
    }

    @Override
    public void reluMask(float[] act, float[] g, int from, int to) {
        int i = from;
        for (; i + 7 < to; i += 8) {
            FloatVector a = FloatVector.fromArray(S, act, i);
            FloatVector.fromArray(S, g, i).blend(0f, a.compare(jdk.incubator.vector.VectorOperators.LE, 0f)).intoArray(g, i);
        }
        for (; i < to; i++) g[i] = act[i] > 0 ? g[i] : 0f;
    }

    private static FloatVector load(boolean acc, float[] c, int o) { return acc ? FloatVector.fromArray(S, c, o) : FloatVector.zero(S); }

    private static void rows4(int i, int n, int k0, int k1, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, boolean acc) {
        int a0 = i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        int c0 = i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        int j = 0;
        for (; j + 23 < n; j += 24) {
            FloatVector x00 = load(acc, c, c0 + j), x01 = load(acc, c, c0 + j + 8), x02 = load(acc, c, c0 + j + 16);
            FloatVector x10 = load(acc, c, c1 + j), x11 = load(acc, c, c1 + j + 8), x12 = load(acc, c, c1 + j + 16);
            FloatVector x20 = load(acc, c, c2 + j), x21 = load(acc, c, c2 + j + 8), x22 = load(acc, c, c2 + j + 16);
            FloatVector x30 = load(acc, c, c3 + j), x31 = load(acc, c, c3 + j + 8), x32 = load(acc, c, c3 + j + 16);
            for (int k = k0; k < k1; k++) {
                int bk = k * ldb + j, ak = k * aCol;
                FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + 8), b2 = FloatVector.fromArray(S, b, bk + 16);
                FloatVector s = FloatVector.broadcast(S, a[a0 + ak]);
                x00 = b0.fma(s, x00); x01 = b1.fma(s, x01); x02 = b2.fma(s, x02);
                s = FloatVector.broadcast(S, a[a1 + ak]);
                x10 = b0.fma(s, x10); x11 = b1.fma(s, x11); x12 = b2.fma(s, x12);
                s = FloatVector.broadcast(S, a[a2 + ak]);
                x20 = b0.fma(s, x20); x21 = b1.fma(s, x21); x22 = b2.fma(s, x22);
                s = FloatVector.broadcast(S, a[a3 + ak]);
                x30 = b0.fma(s, x30); x31 = b1.fma(s, x31); x32 = b2.fma(s, x32);
            }
            x00.intoArray(c, c0 + j); x01.intoArray(c, c0 + j + 8); x02.intoArray(c, c0 + j + 16);
            x10.intoArray(c, c1 + j); x11.intoArray(c, c1 + j + 8); x12.intoArray(c, c1 + j + 16);
            x20.intoArray(c, c2 + j); x21.intoArray(c, c2 + j + 8); x22.intoArray(c, c2 + j + 16);
            x30.intoArray(c, c3 + j); x31.intoArray(c, c3 + j + 8); x32.intoArray(c, c3 + j + 16);
        }
        for (; j + 7 < n; j += 8) {
            FloatVector x0 = load(acc, c, c0 + j), x1 = load(acc, c, c1 + j), x2 = load(acc, c, c2 + j), x3 = load(acc, c, c3 + j);
            for (int k = k0; k < k1; k++) {
                int ak = k * aCol;
                FloatVector b0 = FloatVector.fromArray(S, b, k * ldb + j);
                x0 = b0.fma(FloatVector.broadcast(S, a[a0 + ak]), x0);
                x1 = b0.fma(FloatVector.broadcast(S, a[a1 + ak]), x1);
                x2 = b0.fma(FloatVector.broadcast(S, a[a2 + ak]), x2);
                x3 = b0.fma(FloatVector.broadcast(S, a[a3 + ak]), x3);
            }
            x0.intoArray(c, c0 + j); x1.intoArray(c, c1 + j); x2.intoArray(c, c2 + j); x3.intoArray(c, c3 + j);
        }
        for (int r = 0; r < 4; r++) tail(i + r, j, n, k0, k1, a, aRow, aCol, b, ldb, c, ldc, acc);
    }

    private static void row1(int i, int n, int k0, int k1, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, boolean acc) {
        int ai = i * aRow, ci = i * ldc;
        int j = 0;
        for (; j + 7 < n; j += 8) {
            FloatVector x = load(acc, c, ci + j);
            for (int k = k0; k < k1; k++) x = FloatVector.fromArray(S, b, k * ldb + j).fma(FloatVector.broadcast(S, a[ai + k * aCol]), x);
            x.intoArray(c, ci + j);
        }
        tail(i, j, n, k0, k1, a, aRow, aCol, b, ldb, c, ldc, acc);
    }

    private static void tail(int i, int j0, int n, int k0, int k1, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, boolean acc) {
        int ai = i * aRow, ci = i * ldc;
        for (int j = j0; j < n; j++) {
            float x = acc ? c[ci + j] : 0f;
            for (int k = k0; k < k1; k++) x = Math.fma(a[ai + k * aCol], b[k * ldb + j], x);
            c[ci + j] = x;
        }
    }
}
