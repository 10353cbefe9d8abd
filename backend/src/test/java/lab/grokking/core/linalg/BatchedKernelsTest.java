package lab.grokking.core.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One pass over the sign layout for B vectors gives each vector the bits of its solo product (scalar and vector kernels). */
class BatchedKernelsTest {
    /** d not a multiple of 30, 64 or 8; n below 8; more than one 500-group chunk; member counts around the 4-member blocks. */
    @ParameterizedTest
    @CsvSource({
        "1, 1, 1",
        "3, 70, 2",
        "5, 29, 3",
        "7, 64, 4",
        "9, 31, 5",
        "13, 1000, 7",
        "31, 1501, 9",
        "6, 3001, 3",
        "40, 4097, 6",
        "11, 700, 17"
    })
    void batchedSignSumsEqualSoloSumsBitForBit(int n, int d, int count) {
        SplittableRandom r = new SplittableRandom(n * 131L + d * 7L + count);
        int[][] s = new int[n][d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) s[i][k] = r.nextBoolean() ? 1 : -1;
        SignDesign x = SignDesign.of(s);
        float[][] w = new float[count][x.paddedCols()], c = new float[count][n];
        for (int m = 0; m < count; m++) {
            for (int k = 0; k < d; k++) w[m][k] = (float) (r.nextGaussian() * Math.pow(10, m % 3 - 1));
            for (int i = 0; i < n; i++) c[m][i] = (float) (r.nextGaussian() * 1e-3);
        }
        int rowBlocks = (n + 7) / 8, colBlocks = SignDesign.wordsFor(d) * 8;
        for (Kernels k : new Kernels[] {Kernels.scalar(), Kernels.get()}) {
            float[][] z = new float[count][n], g = new float[count][x.paddedCols()];
            k.signSumBatch(x.rowLayout(), d, 0, rowBlocks, 0, Kernels.chunks(d), w, count, z, 0, n, 0);
            k.signSumBatch(x.colLayout(), n, 0, colBlocks, 0, Kernels.chunks(n), c, count, g, 0, g[0].length, 0);
            for (int m = 0; m < count; m++) {
                float[] zs = new float[n], gs = new float[x.paddedCols()];
                Kernels.scalar().signSum(x.rowLayout(), d, 0, rowBlocks, w[m], zs);
                Kernels.scalar().signSum(x.colLayout(), n, 0, colBlocks, c[m], gs);
                assertBits(zs, z[m], k.name() + " X·w, member " + m);
                assertBits(gs, g[m], k.name() + " Xᵀ·c, member " + m);
            }
        }
        // the design's batched products, split among 1..3 threads, with the fused per-member consumer
        for (int parts = 1; parts <= 3; parts++) {
            float[][] z = new float[count][n], g = new float[count][x.paddedCols()];
            double[][] seen = new double[count][d];
            Workers.RangeBody[] after = new Workers.RangeBody[count];
            for (int m = 0; m < count; m++) {
                float[] gm = g[m];
                double[] sm = seen[m];
                after[m] = (from, to) -> {
                    for (int k = from; k < to; k++) sm[k] = gm[k];
                };
            }
            x.multiply(w, z, count, parts);
            x.multiplyTransposed(c, g, after, count, parts);
            for (int m = 0; m < count; m++) {
                float[] zs = new float[n], gs = new float[x.paddedCols()];
                x.multiply(w[m], zs);
                x.multiplyTransposed(c[m], gs);
                assertBits(zs, z[m], parts + " parts, X·w, member " + m);
                assertBits(gs, g[m], parts + " parts, Xᵀ·c, member " + m);
                for (int k = 0; k < d; k++) assertEquals(gs[k], seen[m][k], 0.0, "consumer saw column " + k);
            }
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
            assertEquals(
                    Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + ", output " + i);
    }
}
