package lab.grokking.core.linalg;

/**
 * Float32 product kernels. Every implementation sums in the same order, so results are bit-identical
 * with or without SIMD and for any thread count. No FMA, since fused rounding would differ.
 * <p>Dense: row sums go into 16 partials by column index mod 16 (then added 0..15 in order); column sums
 * run over rows in order.
 * <p>Sign (±1) products {@link #signSum} use a {@link SignDesign} layout: "blocks" of 8 outputs (rows for
 * X·w, columns for Xᵀ·c), and for each output the ±1 entries along the summed index m (columns for X·w,
 * rows for Xᵀ·c) in 30-bit chunks, bit m mod 30 of int [(block·Q + m/30)·8 + lane] set for +1, Q = ⌈inner/30⌉.
 * The summed index is taken in groups of 3 (m = 3g, 3g+1, 3g+2); a group's value is
 * (±v[3g] ± v[3g+1]) ± v[3g+2] (terms at m ≥ inner omitted; ±v by flipping the sign bit, exact). Group
 * values are added in order g = 0, 1, … to a sum starting at +0, in chunks of {@link #CHUNK_GROUPS} groups;
 * the output is the first chunk's sum plus each following chunk's sum, in order. The vector kernels look
 * a group's value up with one permute of the 8-entry group table (no data-dependent gathers).
 * <p>{@link #signSumBatch} serves several vectors in one pass over the layout: each block's group indices are
 * read once and applied to every vector's group tables; each vector's sums keep the order above, so its
 * outputs are the bits of its own {@link #signSum}.
 */
public abstract class Kernels {
    public static final int PARTIALS = 16;
    /** Groups of 3 summed indices per chunk of a sign sum (a multiple of 10 = 30-bit chunk ints). */
    public static final int CHUNK_GROUPS = 500;

    static final int CHUNK_INTS = CHUNK_GROUPS / 10;

    private static final Kernels INSTANCE = pick();

    public static Kernels get() {
        return INSTANCE;
    }

    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    private static Kernels pick() {
        if (Boolean.getBoolean("groklab.scalarKernels")) return ScalarKernels.INSTANCE;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println(
                    "warning: jdk.incubator.vector not enabled (java --add-modules jdk.incubator.vector); using slower scalar kernels (same results)");
            return ScalarKernels.INSTANCE;
        }
        Kernels v = VectorKernels.create();
        return v != null ? v : ScalarKernels.INSTANCE;
    }

    /** Name for provenance and benchmarks. */
    public abstract String name();

    /**
     * out[8b + l] = Σ_{m < inner} s(b, l, m)·v[m] for blocks b in [from, to) and lanes l with 8b + l &lt; out.length;
     * s = ±1 from the layout idx (see the class comment), summed in the documented order.
     */
    public final void signSum(int[] idx, int inner, int from, int to, float[] v, float[] out) {
        signSum(idx, inner, from, to, 0, chunks(inner), v, out, 0, out.length, 0);
    }

    /** Number of {@link #CHUNK_GROUPS}-group chunks of a sign sum over inner indices. */
    public static int chunks(int inner) {
        return ((inner + 29) / 30 + CHUNK_INTS - 1) / CHUNK_INTS;
    }

    /**
     * The chunk sums of chunks [chunkFrom, chunkTo) of {@link #signSum}, for blocks [from, to): output j
     * (8b + l, j &lt; len) of chunk c goes to out[off + (c − chunkFrom)·chunkStride + j]. With chunkStride 0 the
     * chunks accumulate in order into one slot (the first one overwrites it), which for [0, chunks) is the
     * whole sum; with chunkStride ≥ len each chunk's sum lands in a slot of its own (from +0), so a caller
     * can split the summed index among threads and add the slots in order afterwards, bit for bit the same.
     */
    public abstract void signSum(
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
            int chunkStride);

    /**
     * {@link #signSum} of v[0..count) into out[0..count) (same off, len, chunkStride for each) in one pass over idx:
     * out[m] gets exactly the floats the solo call with v[m] and out[m] writes.
     */
    public abstract void signSumBatch(
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
            int chunkStride);

    /** out[i] = Σ_k x[i·cols + k]·w[k] for rows [from, to); cols must be a multiple of 16. */
    public abstract void denseMultiply(float[] x, int cols, int from, int to, float[] w, float[] out);

    /** out[k] = Σ_i c[i]·x[i·cols + k] for columns [colFrom, colTo) (multiples of 16), rows [0, rows). */
    public abstract void denseMultiplyTransposed(
            float[] x, int cols, int rows, int colFrom, int colTo, float[] c, float[] out);

    static float reduce(float[] p) {
        float s = 0f;
        for (int j = 0; j < PARTIALS; j++) s += p[j];
        return s;
    }
}
