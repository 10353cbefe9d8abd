package lab.grokking.core.modadd;

import java.util.Arrays;

/**
 * The dense float32 products of the MLP step behind one small interface, so a faster backend can be swapped
 * in (bench/java/Nd4jModaddStepBench.java puts ND4J behind it), with the step's row kernels (gather, cross-entropy,
 * scatter) as defaults a backend may vectorise. One primitive covers all three products (logits H·W₂ᵀ, hidden
 * gradient dZ·W₂, weight gradient Hᵀ·dZ) because
 * A is read through strides (a transpose is free) while B and C are row-major:
 * <pre>C[i][j] = (accumulate ? C[i][j] : 0) + Σ_k A(i, k)·B[k][j],  A(i, k) = a[i·aRow + k·aCol]</pre>
 * for rows i in [i0, i1), columns j in [0, n), k in [0, kDim). Every backend computes each C entry as the chain
 * c = fma(A(i, k), B[k][j], c) over k ascending (fma is correctly rounded in Math.fma and in the Vector API), so
 * the backends give the same bits and a row split over threads changes nothing.
 */
public interface MatMul {
    String name();

    void gemm(
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
            boolean accumulate);

    /** out[o..o+len) = max(x[xa..] + x[xb..] + bias[0..], 0): the gathered first layer and ReLU of one sample. */
    default void reluGather(float[] x, int xa, int xb, float[] bias, float[] out, int o, int len) {
        for (int k = 0; k < len; k++) out[o + k] = Math.max((x[xa + k] + x[xb + k]) + bias[k], 0f);
    }

    /** g[i] = 0 where act[i] ≤ 0 (ReLU'(0) = 0, as PyTorch), for i in [from, to). */
    default void reluMask(float[] act, float[] g, int from, int to) {
        for (int i = from; i < to; i++) g[i] = act[i] > 0 ? g[i] : 0f;
    }

    /** {@link CrossEntropy#logOthersRows}: L = ln Σ_{j≠y} e^{z_j − z_y} of rows [from, to), in its documented sum order. */
    default void logOthers(float[] z, int ld, int p, int[] y, int from, int to, double[] out) {
        CrossEntropy.logOthersRows(z, ld, p, y, from, to, out);
    }

    /** {@link CrossEntropy#gradientRows}: ∂ℓ/∂z of rows [from, to), divided by e^{shift}. */
    default void softmaxGradient(
            float[] z,
            int ld,
            int p,
            int[] y,
            double[] lOthers,
            double[] sp,
            double shift,
            float[] dz,
            int from,
            int to) {
        CrossEntropy.gradientRows(z, ld, p, y, lOthers, sp, shift, dz, from, to);
    }

    /**
     * Columns [from, to) of the first layer's gradient from the hidden gradient g (rows of h): ge = 0, gb = 0, then
     * for samples i ascending, rows a_i and b_i of ge (rows × h; b already offset by p) and gb each get row i of g added.
     */
    default void scatter(
            float[] g, int n, int h, int[] a, int[] b, int rows, float[] ge, float[] gb, int from, int to) {
        for (int r = 0; r < rows; r++) Arrays.fill(ge, r * h + from, r * h + to, 0f);
        Arrays.fill(gb, from, to, 0f);
        for (int i = 0; i < n; i++) {
            int o = i * h, ra = a[i] * h, rb = b[i] * h;
            for (int k = from; k < to; k++) {
                float v = g[o + k];
                ge[ra + k] += v;
                ge[rb + k] += v;
                gb[k] += v;
            }
        }
    }

    /** The Vector API backend when the incubator module is present and vectors are ≥ 256 bits, else the scalar one. */
    static MatMul get() {
        return Holder.DEFAULT;
    }

    static MatMul scalar() {
        return ScalarMatMul.INSTANCE;
    }

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
            if (Boolean.getBoolean("groklab.scalarKernels")
                    || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return ScalarMatMul.INSTANCE;
            try {
                MatMul v = VectorMatMul.create();
                return v != null ? v : ScalarMatMul.INSTANCE;
            } catch (LinkageError e) {
                return ScalarMatMul.INSTANCE;
            }
        }
    }
}
