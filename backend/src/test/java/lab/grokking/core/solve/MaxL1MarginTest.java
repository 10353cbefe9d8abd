package lab.grokking.core.solve;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import lab.grokking.core.linalg.DenseDesign;
import lab.grokking.core.linalg.Design;
import org.junit.jupiter.api.Test;

class MaxL1MarginTest {
    static final double EPS = 1e-12;

    static void assertOptimal(Solution s) {
        Certificate c = s.certificate();
        assertTrue(c.optimal(1e-9), () -> "not certified optimal: " + c);
    }

    @Test
    void singlePointPicksLargestCoordinate() {
        // <(2,1),w> >= 1: w = (1/2, 0), dual a = 1/2 (|2a| <= 1 binds)
        Solution s = MaxL1Margin.solve(DenseDesign.of(new double[][] {{2, 1}}), new double[] {1});
        assertArrayEquals(new double[] {0.5, 0}, s.w(), EPS);
        assertArrayEquals(new double[] {0.5}, s.dual(), EPS);
        assertOptimal(s);
    }

    @Test
    void sparseAndDifferentFromL2() {
        // z1 = (2,1,0), z2 = (0,1,3): w1 = (1/2, 0, 1/3), a = (1/2, 1/3), ‖w‖₁ = 5/6; w2 = (18,13,12)/49 is dense
        Design x = DenseDesign.of(new double[][] {{2, 1, 0}, {0, -1, -3}});
        double[] y = {1, -1};
        Solution l1 = MaxL1Margin.solve(x, y);
        assertArrayEquals(new double[] {0.5, 0, 1 / 3.0}, l1.w(), EPS);
        assertArrayEquals(new double[] {0.5, 1 / 3.0}, l1.dual(), EPS);
        assertEquals(5 / 6.0, l1.certificate().primalObjective(), EPS);
        assertArrayEquals(new int[] {0, 2}, l1.support(1e-12));
        assertOptimal(l1);
        Solution l2 = MaxL2Margin.solve(x, y);
        assertEquals(3, l2.support(1e-12).length);
        assertTrue(l1.l1Norm() < l2.l1Norm());
        assertTrue(l2.l2Norm() < l1.l2Norm());
    }

    @Test
    void symmetricPair() {
        // one effective constraint w1 + 2 w2 >= 1: w = (0, 1/2)
        Solution s = MaxL1Margin.solve(DenseDesign.of(new double[][] {{1, 2}, {-1, -2}}), new double[] {1, -1});
        assertArrayEquals(new double[] {0, 0.5}, s.w(), EPS);
        assertEquals(0.5, s.dual()[0] + s.dual()[1], EPS);
        assertOptimal(s);
    }

    @Test
    void duplicatePoints() {
        // w1 + w2 >= 1 (twice), w1 - w2 >= 1: w = (1, 0) uniquely
        Solution s =
                MaxL1Margin.solve(DenseDesign.of(new double[][] {{1, 1}, {1, 1}, {1, -1}}), new double[] {1, 1, 1});
        assertArrayEquals(new double[] {1, 0}, s.w(), EPS);
        assertOptimal(s);
    }

    @Test
    void randomSignsSparseTeacher() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int rep = 0; rep < 5; rep++) {
            double[][] x = Problems.signs(40, 300, rnd);
            double[] y = Problems.sparseTeacherLabels(x, 5, rnd);
            Design dx = DenseDesign.of(x);
            Solution l1 = MaxL1Margin.solve(dx, y);
            assertOptimal(l1);
            assertTrue(l1.support(1e-12).length <= 40, "a basic solution has at most n nonzeros");
            Solution l2 = MaxL2Margin.solve(dx, y); // each is optimal in its own norm
            assertTrue(l1.l1Norm() <= l2.l1Norm() * (1 + 1e-12));
            assertTrue(l2.l2Norm() <= l1.l2Norm() * (1 + 1e-12));
        }
    }

    @Test
    void gaussianLargeMargin() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int[] nd : new int[][] {{60, 200}, {150, 20}}) {
            Problems.Labeled p = Problems.gaussianMargin(nd[0], nd[1], 0.3, rnd);
            assertOptimal(MaxL1Margin.solve(DenseDesign.of(p.x()), p.y()));
        }
    }

    @Test
    void columnGenerationMatchesFullLp() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int rep = 0; rep < 5; rep++) {
            double[][] x = Problems.signs(40, 60, rnd);
            double[] y = Problems.sparseTeacherLabels(x, 3, rnd);
            Design dx = DenseDesign.of(x);
            Solution full = MaxL1Margin.solve(dx, y, 60, 0);
            Solution cg = MaxL1Margin.solve(dx, y, 2, 3);
            assertOptimal(full);
            assertOptimal(cg);
            assertEquals(
                    full.certificate().primalObjective(),
                    cg.certificate().primalObjective(),
                    1e-10 * full.certificate().primalObjective());
        }
    }

    @Test
    void nonSeparableIsRejected() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> MaxL1Margin.solve(DenseDesign.of(new double[][] {{1, 2}, {1, 2}}), new double[] {1, -1}));
        assertTrue(e.getMessage().contains("not linearly separable"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> MaxL1Margin.solve(DenseDesign.of(new double[][] {{1, 0}, {-1, 1}, {0, -1}}), new double[] {1, 1, 1
                }));
        assertThrows(
                IllegalArgumentException.class,
                () -> MaxL1Margin.solve(DenseDesign.of(new double[][] {{0, 0}}), new double[] {1}));
        // a contradiction hidden in a wide random problem: the last sample repeats the first with the other label
        SplittableRandom rnd = new SplittableRandom(3);
        double[][] x = Problems.signs(30, 400, rnd);
        double[] y = Problems.sparseTeacherLabels(x, 5, rnd);
        x[29] = x[0].clone();
        y[29] = -y[0];
        e = assertThrows(IllegalArgumentException.class, () -> MaxL1Margin.solve(DenseDesign.of(x), y));
        assertTrue(e.getMessage().contains("not linearly separable"), e.getMessage());
    }

    @Test
    void badInputsAreRejected() {
        Design x = DenseDesign.of(new double[][] {{1, 0}, {0, 1}});
        assertThrows(IllegalArgumentException.class, () -> MaxL1Margin.solve(x, new double[] {1, -2}));
        assertThrows(IllegalArgumentException.class, () -> MaxL1Margin.solve(x, new double[] {1, 1, 1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> MaxL1Margin.solve(new PackedSigns(0, 3, new long[0]), new double[0]));
    }
}
