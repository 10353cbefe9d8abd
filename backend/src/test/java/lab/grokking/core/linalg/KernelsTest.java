package lab.grokking.core.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelsTest {
    /** Odd sizes on purpose: row remainders, column padding, a single row, partial 3-groups, 30-bit ints and chunks. */
    @ParameterizedTest
    @CsvSource({"1, 1", "3, 70", "7, 64", "9, 31", "13, 1000", "61, 200", "31, 1501", "256, 4097"})
    void vectorKernelsMatchScalarBitForBitAndDoublesClosely(int n, int d) {
        assertNotEquals("scalar", Kernels.get().name(), "the tests run with the Vector API enabled");
        SplittableRandom r = new SplittableRandom(n * 31L + d);
        int[][] s = new int[n][d];
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) { s[i][k] = r.nextBoolean() ? 1 : -1; x[i][k] = (float) r.nextGaussian(); }
        SignDesign sign = SignDesign.of(s);
        DenseDesign dense = DenseDesign.of(x);
        for (Design m : new Design[] {sign, dense}) {
            float[] w = new float[m.paddedCols()], c = new float[n];
            double[] wd = new double[d], cd = new double[n];
            for (int k = 0; k < d; k++) wd[k] = w[k] = (float) r.nextGaussian();
            for (int i = 0; i < n; i++) cd[i] = c[i] = (float) (r.nextGaussian() * 1e-3);
            float[] zv = new float[n], zs = new float[n], gv = new float[m.paddedCols()], gs = new float[m.paddedCols()];
            m.multiply(w, zv);
            m.multiplyTransposed(c, gv);
            if (m instanceof SignDesign) {
                Kernels.scalar().signSum(sign.rowLayout(), d, 0, (n + 7) / 8, w, zs);
                Kernels.scalar().signSum(sign.colLayout(), n, 0, SignDesign.wordsFor(d) * 8, c, gs);
            } else {
                Kernels.scalar().denseMultiply(dataOf(dense), m.paddedCols(), 0, n, w, zs);
                Kernels.scalar().denseMultiplyTransposed(dataOf(dense), m.paddedCols(), n, 0, m.paddedCols(), c, gs);
            }
            assertArrayEquals(zs, zv, 0f, "forward, " + m.getClass().getSimpleName());
            assertArrayEquals(gs, gv, 0f, "transposed, " + m.getClass().getSimpleName());
            double[] zd = new double[n], gd = new double[d];
            m.multiply(wd, zd);
            m.multiplyTransposed(cd, gd);
            // float32 error bound: a few ulps of the sum of absolute terms
            double[] absW = new double[d], absC = new double[n], zAbs = new double[n], gAbs = new double[d];
            for (int k = 0; k < d; k++) absW[k] = Math.abs(wd[k]);
            for (int i = 0; i < n; i++) absC[i] = Math.abs(cd[i]);
            absDesign(m).multiply(absW, zAbs);
            absDesign(m).multiplyTransposed(absC, gAbs);
            for (int i = 0; i < n; i++) assertEquals(zd[i], zv[i], 1e-6 * zAbs[i] + 1e-30, "row " + i);
            for (int k = 0; k < d; k++) assertEquals(gd[k], gv[k], 1e-6 * gAbs[k] + 1e-30, "col " + k);
        }
    }

    /** |X|, to bound rounding errors. */
    private static Design absDesign(Design m) {
        double[][] a = new double[m.rows()][m.cols()];
        double[] r = new double[m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            m.row(i, r);
            for (int k = 0; k < r.length; k++) a[i][k] = Math.abs(r[k]);
        }
        return DenseDesign.of(a);
    }

    private static float[] dataOf(DenseDesign m) { return m.data(); }
}
