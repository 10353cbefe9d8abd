package lab.grokking.core.solve;

import java.util.Arrays;
import java.util.SplittableRandom;
import lab.grokking.core.linalg.Design;

/** Test-only bit-packed ±1 design (bit set = +1) with fast double products, for the scale tests. */
final class PackedSigns implements Design {
    final int rows, cols, words;
    final long[] bits;

    PackedSigns(int rows, int cols, long[] bits) {
        this.rows = rows;
        this.cols = cols;
        this.words = (cols + 63) >>> 6;
        this.bits = bits;
    }

    static PackedSigns random(int n, int d, SplittableRandom rnd) {
        int words = (d + 63) >>> 6;
        long[] b = new long[n * words];
        for (int i = 0; i < n; i++)
            for (int w = 0; w < words; w++) {
                int valid = Math.min(64, d - 64 * w);
                b[i * words + w] = valid == 64 ? rnd.nextLong() : rnd.nextLong() & ((1L << valid) - 1);
            }
        return new PackedSigns(n, d, b);
    }

    double get(int i, int k) {
        return (bits[i * words + (k >>> 6)] >>> (k & 63) & 1L) != 0 ? 1 : -1;
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
    public void multiply(float[] w, float[] out) {
        for (int i = 0; i < rows; i++) {
            float s = 0;
            for (int k = 0; k < cols; k++) s += (float) get(i, k) * w[k];
            out[i] = s;
        }
    }

    @Override
    public void multiplyTransposed(float[] c, float[] out) {
        Arrays.fill(out, 0, cols, 0f);
        for (int i = 0; i < rows; i++) for (int k = 0; k < cols; k++) out[k] += c[i] * (float) get(i, k);
    }

    @Override
    public void row(int i, double[] out) {
        for (int wd = 0; wd < words; wd++) {
            long b = bits[i * words + wd];
            for (int k = wd << 6, end = Math.min(cols, k + 64); k < end; k++, b >>>= 1) out[k] = (b & 1) != 0 ? 1 : -1;
        }
    }

    @Override
    public double dot(int i, int j) {
        int diff = 0;
        for (int w = 0; w < words; w++) diff += Long.bitCount(bits[i * words + w] ^ bits[j * words + w]);
        return cols - 2.0 * diff;
    }

    @Override
    public void multiply(double[] w, double[] out) {
        double total = 0;
        for (int k = 0; k < cols; k++) total += w[k];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int wd = 0; wd < words; wd++)
                for (long b = bits[i * words + wd]; b != 0; b &= b - 1)
                    s += w[(wd << 6) + Long.numberOfTrailingZeros(b)];
            out[i] = 2 * s - total;
        }
    }

    @Override
    public void multiplyTransposed(double[] c, double[] out) {
        Arrays.fill(out, 0, cols, 0.0);
        double total = 0;
        for (int i = 0; i < rows; i++) {
            total += c[i];
            if (c[i] == 0) continue;
            double ci = 2 * c[i];
            for (int wd = 0; wd < words; wd++)
                for (long b = bits[i * words + wd]; b != 0; b &= b - 1)
                    out[(wd << 6) + Long.numberOfTrailingZeros(b)] += ci;
        }
        for (int k = 0; k < cols; k++) out[k] -= total;
    }
}
