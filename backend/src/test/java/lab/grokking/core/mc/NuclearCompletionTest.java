package lab.grokking.core.mc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import lab.grokking.core.solve.Certificate;
import org.junit.jupiter.api.Test;

/** The late predictor's solver on cases with known answers, and its certificate. */
class NuclearCompletionTest {
    static void assertCertified(NuclearCompletion.Result r, int d, boolean[] known, double[] m) {
        Certificate c = r.certificate();
        assertTrue(r.converged(), "converged: " + c);
        assertTrue(c.relativeGap() <= NuclearCompletion.TOLERANCE, "relative gap " + c.relativeGap());
        assertTrue(
                c.primalObjective() >= c.dualObjective() - 1e-12 * Math.abs(c.primalObjective()), "weak duality: " + c);
        assertEquals(0, c.maxPrimalViolation(), "W is pinned to M on the known entries");
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                assertEquals(r.w()[i * d + j], r.w()[j * d + i], 0, "symmetric");
                if (known[i * d + j]) assertEquals(m[i * d + j], r.w()[i * d + j], 0);
            }
        }
        double[] ev = SymEigen.eigenvalues(r.w(), d);
        double nuc = 0;
        for (double l : ev) nuc += Math.abs(l);
        assertEquals(c.primalObjective(), nuc, 1e-12 * nuc, "primal objective is ‖W‖_*");
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void fullyObservedGivesTheTargetItself() {
        int d = 9;
        double[] x = SymEigenTest.randomSymmetric(d, 5);
        boolean[] all = new boolean[d * d];
        Arrays.fill(all, true);
        NuclearCompletion.Result r = NuclearCompletion.solve(d, all, x);
        assertArrayEquals(x, r.w(), 0);
        assertCertified(r, d, all, x);
    }

    @Test
    void twoByTwoWithOneUnknownCornerIsCompletedToRankOne() {
        // [[1, 1], [1, ?]]: ‖W‖_* = 1 + x for x ≥ 1 (PSD) and √((1 − x)² + 4) > 2 below, so x = 1
        boolean[] known = {true, true, true, false};
        double[] m = {1, 1, 1, 0};
        // ‖W‖_* ≈ 2 + (1 − x)²/4 below x = 1: flat, so ask for a tight gap to pin x down (error ~ √gap)
        NuclearCompletion.Result r = NuclearCompletion.solve(2, known, m, 1e-12, NuclearCompletion.MAX_ITERATIONS);
        assertTrue(r.converged(), r.certificate().toString());
        assertCertified(r, 2, known, m);
        assertEquals(1, r.w()[3], 1e-5);
        assertEquals(2, r.certificate().primalObjective(), 1e-11);
    }

    @Test
    void onesWithUnknownDiagonalIsCompletedToAllOnes() {
        // off-diagonal 1, diagonal t: eigenvalues t + 2, t − 1 (twice), ‖W‖_* = |t + 2| + 2|t − 1|, minimal (3) only at
        // t = 1
        int d = 3;
        boolean[] known = new boolean[9];
        double[] m = new double[9];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                if (i != j) {
                    known[i * d + j] = true;
                    m[i * d + j] = 1;
                }
        NuclearCompletion.Result r = NuclearCompletion.solve(d, known, m);
        assertCertified(r, d, known, m);
        for (int i = 0; i < d; i++) assertEquals(1, r.w()[i * d + i], 1e-6);
        assertEquals(3, r.certificate().primalObjective(), 1e-6);
    }

    @Test
    void rankOneTableWithEnoughEntriesIsRecovered() {
        McConfig cfg = new McConfig("mc", "table", 24, 1, 0.2, 10, 0, 0.1, 1e-3, 10, 10, 1);
        McData data = McData.generate(cfg);
        NuclearCompletion.Result r = NuclearCompletion.solve(cfg.d(), data.known(), data.target());
        assertCertified(r, cfg.d(), data.known(), data.target());
        assertTrue(
                maxAbsDiff(r.w(), data.target()) < 1e-5, "recovers X*: max error " + maxAbsDiff(r.w(), data.target()));
        double nuc = 0;
        for (int i = 0; i < cfg.d(); i++) nuc += i * (double) i / (cfg.d() * cfg.d()); // ‖X*‖_* = ‖u‖² for X* = uuᵀ
        assertEquals(nuc, r.certificate().dualObjective(), 1e-5 * nuc);
    }

    @Test
    void randomRankTwoTargetWithEnoughEntriesIsRecovered() {
        McConfig cfg = new McConfig("mc", "lowrank", 20, 2, 0.6, 10, 0, 0.1, 1e-3, 10, 10, 3);
        McData data = McData.generate(cfg);
        NuclearCompletion.Result r = NuclearCompletion.solve(cfg.d(), data.known(), data.target());
        assertCertified(r, cfg.d(), data.known(), data.target());
        assertTrue(
                maxAbsDiff(r.w(), data.target()) < 1e-4, "recovers X*: max error " + maxAbsDiff(r.w(), data.target()));
    }

    @Test
    void zeroDataGivesZero() {
        boolean[] known = {true, false, false, true};
        NuclearCompletion.Result r = NuclearCompletion.solve(2, known, new double[4]);
        assertArrayEquals(new double[4], r.w(), 0);
        assertTrue(r.converged());
    }
}
