package lab.grokking.core.linalg;

/**
 * Float32 product kernels. Every implementation sums in the same order, so results are bit-identical
 * with or without SIMD: row sums go into 16 partials by column index mod 16 (then added 0..15 in
 * order); column sums run over rows in order. No FMA, since fused rounding would differ.
 * Sign data is bit-packed by row: bit (k mod 64) of word k/64 is 1 for +1 and 0 for −1, and a ±1 entry
 * multiplies by flipping the sign bit (exact). Arrays are padded to a multiple of 64 columns with zero
 * weights.
 */
public abstract class Kernels {
    public static final int PARTIALS = 16;

    private static final Kernels INSTANCE = pick();

    public static Kernels get() { return INSTANCE; }

    public static Kernels scalar() { return ScalarKernels.INSTANCE; }

    private static Kernels pick() {
        if (Boolean.getBoolean("groklab.scalarKernels")) return ScalarKernels.INSTANCE;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println("warning: jdk.incubator.vector not enabled (java --add-modules jdk.incubator.vector); using slower scalar kernels (same results)");
            return ScalarKernels.INSTANCE;
        }
        Kernels v = VectorKernels.create();
        return v != null ? v : ScalarKernels.INSTANCE;
    }

    /** Name for provenance and benchmarks. */
    public abstract String name();

    /** out[i] = Σ_k s_ik·w[k], s = ±1 from bits; rows [from, to). */
    public abstract void signMultiply(long[] bits, int wordsPerRow, int from, int to, float[] w, float[] out);

    /** out[k] = Σ_i c[i]·s_ik for columns in words [wordFrom, wordTo), rows [0, rows). */
    public abstract void signMultiplyTransposed(long[] bits, int wordsPerRow, int rows, int wordFrom, int wordTo, float[] c, float[] out);

    /** out[i] = Σ_k x[i·cols + k]·w[k] for rows [from, to); cols must be a multiple of 16. */
    public abstract void denseMultiply(float[] x, int cols, int from, int to, float[] w, float[] out);

    /** out[k] = Σ_i c[i]·x[i·cols + k] for columns [colFrom, colTo) (multiples of 16), rows [0, rows). */
    public abstract void denseMultiplyTransposed(float[] x, int cols, int rows, int colFrom, int colTo, float[] c, float[] out);

    static float reduce(float[] p) {
        float s = 0f;
        for (int j = 0; j < PARTIALS; j++) s += p[j];
        return s;
    }
}
