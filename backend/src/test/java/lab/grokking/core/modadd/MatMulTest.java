package lab.grokking.core.modadd;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The vector backend gives the scalar reference's bits: every product shape the step uses, edges, the cross-entropy rows. */
class MatMulTest {
    static final MatMul VEC = MatMul.get(), REF = MatMul.scalar();

    /** Rows × columns × depth around the tile (4 × 16) and block (k ≥ 64) edges, both A layouts, with and without accumulate. */
    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (int m : new int[] {1, 4, 7, 70})
            for (int n : new int[] {1, 16, 23, 104, 1040})
                for (int k : new int[] {1, 5, 97, 300})
                    for (boolean transposedA : new boolean[] {false, true})
                        out.add(Arguments.of(m, n, k, transposedA, (m + n + k) % 2 == 0));
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transposedA={3} accumulate={4}")
    @MethodSource("shapes")
    void gemmMatchesTheScalarChainBitForBit(int m, int n, int k, boolean transposedA, boolean accumulate) {
        assumeVector();
        SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
        int ldc = n + 3; // C rows wider than n: the padding must stay untouched
        float[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * ldc);
        int aRow = transposedA ? 1 : k, aCol = transposedA ? m : 1;
        float[] want = c0.clone(), got = c0.clone();
        int i0 = m > 4 ? 1 : 0; // a row range that does not start at 0, as a thread's share does
        REF.gemm(i0, m, n, k, a, aRow, aCol, b, n, want, ldc, accumulate);
        VEC.gemm(i0, m, n, k, a, aRow, aCol, b, n, got, ldc, accumulate);
        assertArrayEquals(want, got);
    }

    @Test
    void crossEntropyRowsMatchTheScalarCodeAcrossTheExponentialsRange() {
        assumeVector();
        int p = 13, ld = 16, rows = 400;
        SplittableRandom r = new SplittableRandom(5);
        float[] z = new float[rows * ld];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(p);
            // logit spreads from 1e−3 to 2000: sums of e^{−0.001} up to terms below e^{−745} (zero) and subnormal
            // results
            double spread = Math.pow(10, -3 + 6.3 * i / rows);
            for (int j = 0; j < p; j++) z[i * ld + j] = (float) (spread * r.nextDouble(-1, 1));
        }
        z[3 * ld + 2] = Float.NaN;
        z[5 * ld + 1] = Float.POSITIVE_INFINITY;
        double[] lRef = new double[rows], lVec = new double[rows], sp = new double[rows];
        REF.logOthers(z, ld, p, y, 0, rows, lRef);
        VEC.logOthers(z, ld, p, y, 0, rows, lVec);
        assertArrayEquals(lRef, lVec);
        for (int i = 0; i < rows; i++) sp[i] = CrossEntropy.softplus(lRef[i]);
        for (double shift : new double[] {Math.log(rows), -700, 700}) {
            float[] gRef = new float[rows * ld], gVec = new float[rows * ld];
            REF.softmaxGradient(z, ld, p, y, lRef, sp, shift, gRef, 0, rows);
            VEC.softmaxGradient(z, ld, p, y, lRef, sp, shift, gVec, 0, rows);
            assertArrayEquals(gRef, gVec, "shift " + shift);
        }
    }

    @Test
    void scatterMatchesTheScalarSumsForAnyColumnRange() {
        assumeVector();
        SplittableRandom r = new SplittableRandom(9);
        int n = 50, h = 37, rows = 10;
        float[] g = random(r, n * h);
        int[] a = new int[n], b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(rows / 2);
            b[i] = rows / 2 + r.nextInt(rows / 2);
        }
        float[] geRef = random(r, rows * h), gbRef = random(r, h), geVec = geRef.clone(), gbVec = gbRef.clone();
        for (int[] range : new int[][] {{0, h}, {3, 30}, {20, 21}}) {
            REF.scatter(g, n, h, a, b, rows, geRef, gbRef, range[0], range[1]);
            VEC.scatter(g, n, h, a, b, rows, geVec, gbVec, range[0], range[1]);
            assertArrayEquals(geRef, geVec);
            assertArrayEquals(gbRef, gbVec);
        }
    }

    private static void assumeVector() {
        Assumptions.assumeTrue(VEC != REF, "the Vector API backend is not available on this JVM");
    }

    private static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }
}
