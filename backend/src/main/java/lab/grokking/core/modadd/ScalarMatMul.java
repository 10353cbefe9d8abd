package lab.grokking.core.modadd;

import java.util.Arrays;

/** Reference {@link MatMul}: the documented fma chain per entry, plain loops. */
final class ScalarMatMul implements MatMul {
    static final ScalarMatMul INSTANCE = new ScalarMatMul();

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(
            int i0,
            int i1,
            int n,
            int kDim,
            float[] a,
            int aRow,
            int aCol,
            float[] b,
            int ldb,
            float[] c,
            int ldc,
            boolean accumulate) {
        for (int i = i0; i < i1; i++) {
            int ci = i * ldc, ai = i * aRow;
            if (!accumulate) Arrays.fill(c, ci, ci + n, 0f);
            // k outer so the inner loop runs along rows of B and C; each C entry still sees k ascending
            for (int k = 0; k < kDim; k++) {
                float x = a[ai + k * aCol];
                int bk = k * ldb;
                for (int j = 0; j < n; j++) c[ci + j] = Math.fma(x, b[bk + j], c[ci + j]);
            }
        }
    }
}
