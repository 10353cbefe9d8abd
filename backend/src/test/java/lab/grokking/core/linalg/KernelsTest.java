package lab.grokking.core.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelsTest {
    /** Odd sizes on purpose: row remainders, column padding, a single row, partial 3-groups, 30-bit ints and chunks. */
    @ParameterizedTest
    @CsvSource({"1, 1", "3, 70", "7, 64", "9, 31", "13, 1000", "61, 200", "31, 1501", "256, 4097"})
    void vectorKernelsMatchScalarBitForBitAndDoublesClosely(int n, int d) {
        // bit-equality of SIMD and scalar needs a SIMD path; on CPUs without 256-bit vectors both are the scalar one
        Assumptions.assumeFalse(Kernels.get().name().equals("scalar"), "no 256-bit vector kernels on this CPU");
        SplittableRandom r = new SplittableRandom(n * 31L + d);
        int[][] s = new int[n][d];
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) {
                s[i][k] = r.nextBoolean() ? 1 : -1;
                x[i][k] = (float) r.nextGaussian();
            }
        SignDesign sign = SignDesign.of(s);
        DenseDesign dense = DenseDesign.of(x);
        for (Design m : new Design[] {sign, dense}) {
            float[] w = new float[m.paddedCols()], c = new float[n];
            double[] wd = new double[d], cd = new double[n];
            for (int k = 0; k < d; k++) wd[k] = w[k] = (float) r.nextGaussian();
            for (int i = 0; i < n; i++) cd[i] = c[i] = (float) (r.nextGaussian() * 1e-3);
            float[] zv = new float[n],
                    zs = new float[n],
                    gv = new float[m.paddedCols()],
                    gs = new float[m.paddedCols()];
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

    /**
     * Products split into any number of parts (forward: along the summed index, with per-chunk slots added in
     * order; transposed: along the columns, with a fused per-range consumer) equal the one-part product bit for bit.
     */
    @ParameterizedTest
    @CsvSource({"1, 1", "9, 31", "31, 1501", "61, 40000", "256, 4097", "300, 100000"})
    void splitProductsMatchOnePartBitForBit(int n, int d) {
        SplittableRandom r = new SplittableRandom(n * 17L + d);
        int wpr = SignDesign.wordsFor(d);
        long[] bits = new long[n * wpr];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) if (r.nextBoolean()) bits[i * wpr + (k >>> 6)] |= 1L << (k & 63);
        SignDesign sign = new SignDesign(n, d, bits);
        DenseDesign dense = new DenseDesign(n, Math.min(d, 3000));
        for (int i = 0; i < n; i++) for (int k = 0; k < dense.cols(); k++) dense.set(i, k, (float) r.nextGaussian());
        for (Design m : new Design[] {sign, dense}) {
            float[] w = new float[m.paddedCols()], c = new float[n];
            for (int k = 0; k < m.cols(); k++) w[k] = (float) r.nextGaussian();
            for (int i = 0; i < n; i++) c[i] = (float) (r.nextGaussian() * 1e-3);
            float[] z1 = new float[n], g1 = new float[m.paddedCols()];
            int[] seen1 = new int[m.cols()];
            product(m, w, c, z1, g1, seen1, 1);
            if (m instanceof SignDesign) {
                float[] zs = new float[n], gs = new float[m.paddedCols()];
                Kernels.scalar().signSum(sign.rowLayout(), d, 0, (n + 7) / 8, w, zs);
                Kernels.scalar().signSum(sign.colLayout(), n, 0, wpr * 8, c, gs);
                assertArrayEquals(zs, z1, 0f, "forward vs scalar reference");
                assertArrayEquals(gs, g1, 0f, "transposed vs scalar reference");
            }
            for (int parts : new int[] {2, 3, 5, 64}) {
                float[] zp = new float[n], gp = new float[m.paddedCols()];
                int[] seen = new int[m.cols()];
                product(m, w, c, zp, gp, seen, parts);
                assertArrayEquals(
                        z1,
                        zp,
                        0f,
                        "forward in " + parts + " parts, " + m.getClass().getSimpleName());
                assertArrayEquals(
                        g1,
                        gp,
                        0f,
                        "transposed in " + parts + " parts, " + m.getClass().getSimpleName());
                for (int k = 0; k < m.cols(); k++)
                    assertEquals(1, seen[k], "column " + k + " passed to the consumer once, after its gradient");
            }
        }
    }

    private static void product(Design m, float[] w, float[] c, float[] z, float[] g, int[] seen, int parts) {
        Workers.RangeBody after = (from, to) -> {
            for (int k = from; k < to; k++) {
                assertFalse(Float.isNaN(g[k]), "gradient ready before the consumer");
                seen[k]++;
            }
        };
        Arrays.fill(g, Float.NaN);
        if (m instanceof SignDesign s) {
            s.multiply(w, z, parts);
            s.multiplyTransposed(c, g, after, parts);
        } else {
            DenseDesign dd = (DenseDesign) m;
            dd.multiply(w, z, Math.min(parts, m.rows()));
            dd.multiplyTransposed(c, g, after, Math.min(parts, m.paddedCols() / 64));
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

    private static float[] dataOf(DenseDesign m) {
        return m.data();
    }
}
