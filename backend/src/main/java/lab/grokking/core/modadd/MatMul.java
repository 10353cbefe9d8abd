package lab.grokking.core.modadd;

/**
 * The dense float32 products of the MLP step behind one small interface, so a faster backend can be swapped
 * in. One primitive covers all three products (logits H·W₂ᵀ, hidden gradient dZ·W₂, weight gradient dZᵀ·H) because
 * A is read through strides (a transpose is free) while B and C are row-major:
 * <pre>C[i][j] = (accumulate ? C[i][j] : 0) + Σ_k A(i, k)·B[k][j],  A(i, k) = a[i·aRow + k·aCol]</pre>
 * for rows i in [i0, i1), columns j in [0, n), k in [0, kDim). Every backend computes each C entry as the chain
 * c = fma(A(i, k), B[k][j], c) over k ascending (fma is correctly rounded in Math.fma and in the Vector API), so
 * the backends give the same bits and a row split over threads changes nothing.
 */
public interface MatMul {
    String name();

    void gemm(int i0, int i1, int n, int kDim, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, boolean accumulate);

    /** out[o..o+len) = max(x[xa..] + x[xb..] + bias[0..], 0): the gathered first layer and ReLU of one sample. */
    default void reluGather(float[] x, int xa, int xb, float[] bias, float[] out, int o, int len) {
        for (int k = 0; k < len; k++) out[o + k] = Math.max((x[xa + k] + x[xb + k]) + bias[k], 0f);
    }

    /** g[i] = 0 where act[i] ≤ 0 (ReLU'(0) = 0, as PyTorch), for i in [from, to). */
    default void reluMask(float[] act, float[] g, int from, int to) {
        for (int i = from; i < to; i++) g[i] = act[i] > 0 ? g[i] : 0f;
    }

    /** The Vector API backend when the incubator module is present and vectors are ≥ 256 bits, else the scalar one. */
    static MatMul get() { return Holder.DEFAULT; }

    static MatMul scalar() { return ScalarMatMul.INSTANCE; }

    /** "vector", "scalar" (tests, machines without the Vector API). */
    static MatMul named(String name) {
        return switch (name) {
            case "scalar" -> scalar();
            case "vector" -> get();
            default -> throw new IllegalArgumentException("unknown matmul backend '" + name + "'");
        };
    }

    final class Holder {
        private Holder() {}

        static final MatMul DEFAULT = pick();

        private static MatMul pick() {
            if (Boolean.getBoolean("groklab.scalarKernels") || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return ScalarMatMul.INSTANCE;
            try {
                MatMul v = VectorMatMul.create();
                return v != null ? v : ScalarMatMul.INSTANCE;
            } catch (LinkageError e) {
                return ScalarMatMul.INSTANCE;
            }
        }
    }
}
