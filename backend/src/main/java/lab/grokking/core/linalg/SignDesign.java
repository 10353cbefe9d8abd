package lab.grokking.core.linalg;

import java.util.Arrays;

/** A ±1 data matrix bit-packed by row (32× smaller than float32, so a 256 × 10⁵ matrix is 3.2 MB). */
public final class SignDesign implements Design {
    private final int rows, cols, wordsPerRow;
    private final long[] bits;
    /** Lazily built {@link Kernels#signSum} layouts: rows (for X·w) and columns (for Xᵀ·c) in 30-bit chunks. */
    private volatile int[] rowLayout, colLayout;

    /** bits: rows × ceil(cols/64) words; bit (k mod 64) of word k/64 set means +1; padding bits must be 0. */
    public SignDesign(int rows, int cols, long[] bits) {
        this.rows = rows;
        this.cols = cols;
        this.wordsPerRow = wordsFor(cols);
        if (bits.length != (long) rows * wordsPerRow)
            throw new IllegalArgumentException(
                    "bits length " + bits.length + " != rows*words " + (long) rows * wordsPerRow);
        this.bits = bits;
    }

    public static int wordsFor(int cols) {
        return (cols + 63) >>> 6;
    }

    public static SignDesign of(int[][] signs) {
        int n = signs.length, d = signs[0].length, wpr = wordsFor(d);
        long[] b = new long[n * wpr];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) {
                if (signs[i][k] != 1 && signs[i][k] != -1)
                    throw new IllegalArgumentException("entry (" + i + "," + k + ") is " + signs[i][k] + ", not ±1");
                if (signs[i][k] == 1) b[i * wpr + (k >>> 6)] |= 1L << (k & 63);
            }
        return new SignDesign(n, d, b);
    }

    long[] bits() {
        return bits;
    }

    /** Blocks of 8 rows; int [(b·Q + q)·8 + l] holds bits 30q..30q+29 of row 8b + l, Q = ⌈cols/30⌉. */
    int[] rowLayout() {
        int[] r = rowLayout;
        if (r == null) rowLayout = r = buildRowLayout();
        return r;
    }

    /** Blocks of 8 columns; int [(b·Q + q)·8 + l] bit j is entry (30q + j, 8b + l), Q = ⌈rows/30⌉. */
    int[] colLayout() {
        int[] r = colLayout;
        if (r == null) colLayout = r = buildColLayout();
        return r;
    }

    private int[] buildRowLayout() {
        int q = (cols + 29) / 30;
        int[] out = new int[(rows + 7) / 8 * q * 8];
        for (int i = 0; i < rows; i++) {
            int base = i * wordsPerRow, o = (i >>> 3) * q * 8 + (i & 7);
            for (int c = 0; c < q; c++, o += 8) {
                int pos = 30 * c, wd = pos >>> 6, off = pos & 63;
                long x = bits[base + wd] >>> off;
                if (off > 34 && wd + 1 < wordsPerRow) x |= bits[base + wd + 1] << (64 - off);
                out[o] = (int) x & 0x3FFFFFFF;
            }
        }
        return out;
    }

    private int[] buildColLayout() {
        int q = (rows + 29) / 30;
        int[] out = new int[wordsPerRow * 8 * q * 8];
        for (int i = 0; i < rows; i++) {
            int bit = 1 << (i % 30), qi = i / 30;
            for (int wd = 0; wd < wordsPerRow; wd++) {
                for (long x = bits[i * wordsPerRow + wd]; x != 0; x &= x - 1) {
                    int k = (wd << 6) + Long.numberOfTrailingZeros(x);
                    out[((k >>> 3) * q + qi) * 8 + (k & 7)] |= bit;
                }
            }
        }
        return out;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int paddedCols() {
        return wordsPerRow << 6;
    }

    public boolean positive(int i, int k) {
        return (bits[i * wordsPerRow + (k >>> 6)] >>> (k & 63) & 1L) != 0;
    }

    @Override
    public void multiply(float[] w, float[] out) {
        int chunks = Kernels.chunks(cols);
        multiply(w, out, Workers.parts(chunks, Workers.minChunk((long) rows * cols / chunks)));
    }

    /**
     * X·w in the given number of parts, split along the summed index (chunks of {@link Kernels#CHUNK_GROUPS}
     * groups), so each thread builds only its own chunks' tables. Part 0 sums its chunks into out; the others
     * keep one slot per chunk, added to out in chunk order afterwards: the order of the one-part sum.
     */
    void multiply(float[] w, float[] out, int parts) {
        int[] idx = rowLayout();
        int blocks = (rows + 7) / 8, chunks = Kernels.chunks(cols);
        Kernels k = Kernels.get();
        parts = Math.max(1, Math.min(parts, chunks));
        if (parts == 1) {
            k.signSum(idx, cols, 0, blocks, 0, chunks, w, out, 0, rows, 0);
            return;
        }
        int split = chunks / parts; // first chunk of part 1, as Workers.forParts splits
        float[] slots = new float[(chunks - split) * rows];
        Workers.forParts(chunks, parts, (from, to) -> {
            if (from == 0) k.signSum(idx, cols, 0, blocks, 0, to, w, out, 0, rows, 0);
            else k.signSum(idx, cols, 0, blocks, from, to, w, slots, (from - split) * rows, rows, rows);
        });
        for (int c = 0, o = 0; c < chunks - split; c++, o += rows)
            for (int i = 0; i < rows; i++) out[i] += slots[o + i];
    }

    @Override
    public void multiplyTransposed(float[] c, float[] out) {
        multiplyTransposed(c, out, null);
    }

    /** One pass over the row layout for all count vectors, split among threads as {@link #multiply(float[], float[], int)}. */
    @Override
    public void multiply(float[][] w, float[][] out, int count) {
        int chunks = Kernels.chunks(cols);
        multiply(w, out, count, Workers.parts(chunks, Workers.minChunk((long) rows * cols * count / chunks)));
    }

    void multiply(float[][] w, float[][] out, int count, int parts) {
        int[] idx = rowLayout();
        int blocks = (rows + 7) / 8, chunks = Kernels.chunks(cols);
        Kernels k = Kernels.get();
        parts = Math.max(1, Math.min(parts, chunks));
        if (parts == 1) {
            k.signSumBatch(idx, cols, 0, blocks, 0, chunks, w, count, out, 0, rows, 0);
            return;
        }
        int split = chunks / parts, slotLen = (chunks - split) * rows;
        float[][] slots = new float[count][slotLen];
        Workers.forParts(chunks, parts, (from, to) -> {
            if (from == 0) k.signSumBatch(idx, cols, 0, blocks, 0, to, w, count, out, 0, rows, 0);
            else k.signSumBatch(idx, cols, 0, blocks, from, to, w, count, slots, (from - split) * rows, rows, rows);
        });
        for (int m = 0; m < count; m++)
            for (int c = 0, o = 0; c < chunks - split; c++, o += rows)
                for (int i = 0; i < rows; i++) out[m][i] += slots[m][o + i];
    }

    /** One pass over the column layout for all count vectors; after[m] runs on each slice of out[m] as it is done. */
    @Override
    public void multiplyTransposed(float[][] c, float[][] out, Workers.RangeBody[] after, int count) {
        int blocks = wordsPerRow * 8;
        multiplyTransposed(c, out, after, count, Workers.parts(blocks, Workers.minChunk(8L * rows * count)));
    }

    void multiplyTransposed(float[][] c, float[][] out, Workers.RangeBody[] after, int count, int parts) {
        int[] idx = colLayout();
        Kernels k = Kernels.get();
        int chunks = Kernels.chunks(rows), len = out[0].length;
        Workers.forParts(wordsPerRow * 8, parts, (from, to) -> {
            for (int b = from; b < to; b += SLICE_BLOCKS) {
                int e = Math.min(to, b + SLICE_BLOCKS);
                k.signSumBatch(idx, rows, b, e, 0, chunks, c, count, out, 0, len, 0);
                if (8 * b < cols)
                    for (int m = 0; m < count; m++) if (after[m] != null) after[m].run(8 * b, Math.min(8 * e, cols));
            }
        });
    }

    @Override
    public void multiplyTransposed(float[] c, float[] out, Workers.RangeBody after) {
        int blocks = wordsPerRow * 8;
        multiplyTransposed(c, out, after, Workers.parts(blocks, Workers.minChunk(8L * rows)));
    }

    /** Blocks of 8 columns per call of the kernel: the consumer then finds that slice of out in L1. */
    private static final int SLICE_BLOCKS = 256;

    void multiplyTransposed(float[] c, float[] out, Workers.RangeBody after, int parts) {
        int[] idx = colLayout();
        Kernels k = Kernels.get();
        int chunks = Kernels.chunks(rows);
        Workers.forParts(wordsPerRow * 8, parts, (from, to) -> {
            for (int b = from; b < to; b += SLICE_BLOCKS) {
                int e = Math.min(to, b + SLICE_BLOCKS);
                k.signSum(idx, rows, b, e, 0, chunks, c, out, 0, out.length, 0);
                if (after != null && 8 * b < cols) after.run(8 * b, Math.min(8 * e, cols));
            }
        });
    }

    @Override
    public void row(int i, double[] out) {
        for (int k = 0; k < cols; k++) out[k] = positive(i, k) ? 1.0 : -1.0;
    }

    @Override
    public double dot(int i, int j) {
        int diff = 0;
        for (int wd = 0; wd < wordsPerRow; wd++)
            diff += Long.bitCount(bits[i * wordsPerRow + wd] ^ bits[j * wordsPerRow + wd]);
        return cols - 2.0 * diff;
    }

    @Override
    public void multiply(double[] w, double[] out) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < cols; k++) s += positive(i, k) ? w[k] : -w[k];
            out[i] = s;
        }
    }

    @Override
    public void multiplyTransposed(double[] c, double[] out) {
        Arrays.fill(out, 0, cols, 0.0);
        for (int i = 0; i < rows; i++) {
            double ci = c[i];
            if (ci == 0) continue;
            int base = i * wordsPerRow;
            for (int wd = 0; wd < wordsPerRow; wd++) {
                long word = bits[base + wd];
                int k0 = wd << 6, end = Math.min(64, cols - k0);
                for (int b = 0; b < end; b++) out[k0 + b] += (word >>> b & 1L) != 0 ? ci : -ci;
            }
        }
    }
}
