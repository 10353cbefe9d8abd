package lab.grokking.core.mc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import lab.grokking.core.Rng;
import org.junit.jupiter.api.Test;

class SymEigenTest {
    static double[] randomSymmetric(int n, long seed) {
        Rng r = new Rng(seed);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r.nextGaussian();
        return a;
    }

    /** max |A − Σ λ_k q_k q_kᵀ| and max |QQᵀ − I|. */
    static double[] residuals(double[] a, SymEigen e) {
        int n = e.size();
        double rec = 0, orth = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, o = 0;
                for (int k = 0; k < n; k++) {
                    s += e.values()[k] * e.vector(k)[i] * e.vector(k)[j];
                    o += e.vector(i)[k] * e.vector(j)[k];
                }
                rec = Math.max(rec, Math.abs(a[i * n + j] - s));
                orth = Math.max(orth, Math.abs(o - (i == j ? 1 : 0)));
            }
        }
        return new double[] {rec, orth};
    }

    @Test
    void twoByTwoHasItsKnownEigenpairs() {
        SymEigen e = new SymEigen(2);
        e.decompose(new double[] {2, 1, 1, 2}, true);
        assertArrayEquals(new double[] {1, 3}, e.values(), 1e-15);
        assertEquals(0, Math.abs(e.vector(1)[0]) - Math.sqrt(0.5), 1e-15);
        assertEquals(e.vector(1)[0], e.vector(1)[1], 1e-15, "eigenvector of 3 is (1, 1)/√2");
        assertEquals(e.vector(0)[0], -e.vector(0)[1], 1e-15, "eigenvector of 1 is (1, −1)/√2");
    }

    @Test
    void diagonalOneByOneZeroAndRankOneMatrices() {
        assertArrayEquals(
                new double[] {-2, 0, 5}, SymEigen.eigenvalues(new double[] {5, 0, 0, 0, -2, 0, 0, 0, 0}, 3), 0);
        assertArrayEquals(new double[] {7}, SymEigen.eigenvalues(new double[] {7}, 1), 0);
        assertArrayEquals(new double[4], SymEigen.eigenvalues(new double[16], 4), 0);
        int n = 6; // all-ones: eigenvalues 0 (×5) and n
        double[] ones = new double[n * n];
        Arrays.fill(ones, 1);
        double[] ev = SymEigen.eigenvalues(ones, n);
        for (int k = 0; k < n - 1; k++) assertEquals(0, ev[k], 1e-14);
        assertEquals(n, ev[n - 1], 1e-13);
    }

    @Test
    void randomSymmetricMatricesAreReconstructed() {
        for (int n : new int[] {3, 17, 60}) {
            double[] a = randomSymmetric(n, n);
            SymEigen e = new SymEigen(n);
            e.decompose(a, true);
            double[] res = residuals(a, e);
            assertTrue(res[0] < 1e-12 * n, "reconstruction error " + res[0] + " at n = " + n);
            assertTrue(res[1] < 1e-13 * n, "orthonormality error " + res[1] + " at n = " + n);
            for (int k = 1; k < n; k++) assertTrue(e.values()[k - 1] <= e.values()[k], "ascending");
            double[] withVectors = e.values().clone();
            double[] only = SymEigen.eigenvalues(a, n);
            assertArrayEquals(withVectors, only, 1e-12 * n, "values-only path agrees");
            double trace = 0, frob = 0, sum = 0, sq = 0;
            for (int i = 0; i < n; i++) trace += a[i * n + i];
            for (double x : a) frob += x * x;
            for (double l : only) {
                sum += l;
                sq += l * l;
            }
            assertEquals(trace, sum, 1e-12 * n);
            assertEquals(frob, sq, 1e-11 * frob);
        }
    }

    @Test
    void repeatedEigenvaluesKeepAnOrthonormalBasis() {
        // Q diag(1,1,1,4,4,−2,…) Qᵀ for an orthonormal Q from the decomposition of a random matrix
        int n = 12;
        SymEigen base = new SymEigen(n);
        base.decompose(randomSymmetric(n, 99), true);
        double[] lam = {1, 1, 1, 4, 4, -2, -2, -2, 0, 0, 3, 1};
        double[] a = new double[n * n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) a[i * n + j] += lam[k] * base.vector(k)[i] * base.vector(k)[j];
        NuclearCompletion.symmetrize(a, n);
        SymEigen e = new SymEigen(n);
        e.decompose(a, true);
        double[] sorted = lam.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, e.values(), 1e-13);
        double[] res = residuals(a, e);
        assertTrue(res[0] < 1e-13 && res[1] < 1e-13, "residuals " + res[0] + ", " + res[1]);
    }

    @Test
    void singularValuesAreDescendingAbsoluteEigenvalues() {
        SymEigen e = new SymEigen(3);
        e.decompose(new double[] {-5, 0, 0, 0, 2, 0, 0, 0, 3}, false);
        double[] sv = new double[3];
        e.singularValuesDescending(sv);
        assertArrayEquals(new double[] {5, 3, 2}, sv, 0);
    }
}
