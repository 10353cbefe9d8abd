package lab.grokking.core.linalg;

/** A ±1 data matrix bit-packed by row (32× smaller than float32, so a 256 × 10⁵ matrix is 3.2 MB). */
public final class SignDesign implements Design {
    private final int rows, cols, wordsPerRow;
    private final long[] bits;

    /** bits: rows × ceil(cols/64) words; bit (k mod 64) of word k/64 set means +1; padding bits must be 0. */
    public SignDesign(int rows, int cols, long[] bits) {
        this.rows = rows;
        this.cols = cols;
        this.wordsPerRow = wordsFor(cols);
        if (bits.length != (long) rows * wordsPerRow) throw new IllegalArgumentException("bits length " + bits.length + " != rows*words " + (long) rows * wordsPerRow);
        this.bits = bits;
    }

    public static int wordsFor(int cols) { return (cols + 63) >>> 6; }

    public static SignDesign of(int[][] signs) {
        int n = signs.length, d = signs[0].length, wpr = wordsFor(d);
        long[] b = new long[n * wpr];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) {
            if (signs[i][k] != 1 && signs[i][k] != -1) throw new IllegalArgumentException("entry (" + i + "," + k + ") is " + signs[i][k] + ", not ±1");
            if (signs[i][k] == 1) b[i * wpr + (k >>> 6)] |= 1L << (k & 63);
        }
        return new SignDesign(n, d, b);
    }

    long[] bits() { return bits; }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public int paddedCols() { return wordsPerRow << 6; }

    public boolean positive(int i, int k) { return (bits[i * wordsPerRow + (k >>> 6)] >>> (k & 63) & 1L) != 0; }

    @Override public void multiply(float[] w, float[] out) {
        Workers.forRange(rows, 8, (from, to) -> Kernels.get().signMultiply(bits, wordsPerRow, from, to, w, out));
    }

    @Override public void multiplyTransposed(float[] c, float[] out) {
        Workers.forRange(wordsPerRow, 64, (from, to) -> Kernels.get().signMultiplyTransposed(bits, wordsPerRow, rows, from, to, c, out));
    }

    @Override public void row(int i, double[] out) {
        for (int k = 0; k < cols; k++) out[k] = positive(i, k) ? 1.0 : -1.0;
    }

    @Override public double dot(int i, int j) {
        int diff = 0;
        for (int wd = 0; wd < wordsPerRow; wd++) diff += Long.bitCount(bits[i * wordsPerRow + wd] ^ bits[j * wordsPerRow + wd]);
        return cols - 2.0 * diff;
    }

    @Override public void multiply(double[] w, double[] out) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < cols; k++) s += positive(i, k) ? w[k] : -w[k];
            out[i] = s;
        }
    }

    @Override public void multiplyTransposed(double[] c, double[] out) {
        java.util.Arrays.fill(out, 0, cols, 0.0);
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
