package lab.grokking.core.solve;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import lab.grokking.core.linalg.DenseDesign;
import lab.grokking.core.linalg.Design;
import org.junit.jupiter.api.Test;

class MaxL2MarginTest {
    static final double EPS = 1e-12;

    static void assertOptimal(Solution s) {
        Certificate c = s.certificate();
        assertTrue(c.optimal(1e-9), () -> "not certified optimal: " + c);
    }

    @Test
    void twoOrthogonalPoints() {
        // z1 = (2,0), z2 = (0,-1): both tight, w = (1/2, -1), a = (1/4, 1)
        Solution s = MaxL2Margin.solve(DenseDesign.of(new double[][] {{2, 0}, {0, 1}}), new double[] {1, -1});
        assertArrayEquals(new double[] {0.5, -1}, s.w(), EPS);
        assertArrayEquals(new double[] {0.25, 1}, s.dual(), EPS);
        assertEquals(0.625, s.certificate().primalObjective(), EPS);
        assertOptimal(s);
    }

    @Test
    void symmetricPair() {
        // x2 = -x1 with opposite label: one effective constraint <(1,2),w> >= 1, w = (1,2)/5
        Solution s = MaxL2Margin.solve(DenseDesign.of(new double[][] {{1, 2}, {-1, -2}}), new double[] {1, -1});
        assertArrayEquals(new double[] {0.2, 0.4}, s.w(), EPS);
        assertEquals(0.2, s.dual()[0] + s.dual()[1], EPS);
        assertOptimal(s);
    }

    @Test
    void nonSupportVectorsGetZeroDual() {
        // z = (1,1), (3,3), (3,0): only the first is tight, w = (1/2,1/2), margins 1, 3, 3/2
        Solution s =
                MaxL2Margin.solve(DenseDesign.of(new double[][] {{1, 1}, {3, 3}, {-3, 0}}), new double[] {1, 1, -1});
        assertArrayEquals(new double[] {0.5, 0.5}, s.w(), EPS);
        assertArrayEquals(new double[] {0.5, 0, 0}, s.dual(), EPS);
        assertEquals(1, s.supportVectors());
        assertOptimal(s);
    }

    @Test
    void threeDimensionalDenseAnswer() {
        // Q = [[5,1],[1,10]], a = Q⁻¹1 = (9,4)/49, w = (18,13,12)/49 (the L1 answer is sparse, see MaxL1MarginTest)
        Solution s = MaxL2Margin.solve(DenseDesign.of(new double[][] {{2, 1, 0}, {0, -1, -3}}), new double[] {1, -1});
        assertArrayEquals(new double[] {18 / 49.0, 13 / 49.0, 12 / 49.0}, s.w(), EPS);
        assertArrayEquals(new double[] {9 / 49.0, 4 / 49.0}, s.dual(), EPS);
        assertOptimal(s);
    }

    @Test
    void duplicatePointsSingularGram() {
        // z1 = z2 = (1,1), z3 = (1,-1): w = (1,0), a1 + a2 = a3 = 1/2
        Solution s =
                MaxL2Margin.solve(DenseDesign.of(new double[][] {{1, 1}, {1, 1}, {1, -1}}), new double[] {1, 1, 1});
        assertArrayEquals(new double[] {1, 0}, s.w(), EPS);
        assertEquals(0.5, s.dual()[0] + s.dual()[1], EPS);
        assertEquals(0.5, s.dual()[2], EPS);
        assertOptimal(s);
    }

    @Test
    void randomSignsSparseTeacher() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int rep = 0; rep < 5; rep++) {
            double[][] x = Problems.signs(40, 300, rnd);
            double[] y = Problems.sparseTeacherLabels(x, 5, rnd);
            Solution s = MaxL2Margin.solve(DenseDesign.of(x), y);
            assertOptimal(s);
            assertEquals(300, s.w().length);
        }
    }

    @Test
    void gaussianLargeMargin() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int[] nd : new int[][] {{60, 200}, {150, 20}}) {
            Problems.Labeled p = Problems.gaussianMargin(nd[0], nd[1], 0.3, rnd);
            Solution s = MaxL2Margin.solve(DenseDesign.of(p.x()), p.y());
            assertOptimal(s);
            if (nd[0] > nd[1]) assertTrue(s.supportVectors() <= nd[1], "more support vectors than dimensions");
        }
    }

    @Test
    void nonSeparableIsRejected() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> MaxL2Margin.solve(DenseDesign.of(new double[][] {{1, 2}, {1, 2}}), new double[] {1, -1}));
        assertTrue(e.getMessage().contains("not linearly separable"), e.getMessage());
        // z1 + z2 + z3 = 0
        assertThrows(
                IllegalArgumentException.class,
                () -> MaxL2Margin.solve(DenseDesign.of(new double[][] {{1, 0}, {-1, 1}, {0, -1}}), new double[] {1, 1, 1
                }));
        assertThrows(
                IllegalArgumentException.class,
                () -> MaxL2Margin.solve(DenseDesign.of(new double[][] {{0, 0}}), new double[] {1}));
        // a contradiction hidden in a wide random problem: the last sample repeats the first with the other label
        SplittableRandom rnd = new SplittableRandom(3);
        double[][] x = Problems.signs(30, 400, rnd);
        double[] y = Problems.sparseTeacherLabels(x, 5, rnd);
        x[29] = x[0].clone();
        y[29] = -y[0];
        e = assertThrows(IllegalArgumentException.class, () -> MaxL2Margin.solve(DenseDesign.of(x), y));
        assertTrue(e.getMessage().contains("not linearly separable"), e.getMessage());
    }

    @Test
    void badInputsAreRejected() {
        Design x = DenseDesign.of(new double[][] {{1, 0}, {0, 1}});
        assertThrows(IllegalArgumentException.class, () -> MaxL2Margin.solve(x, new double[] {1, 0.5}));
        assertThrows(IllegalArgumentException.class, () -> MaxL2Margin.solve(x, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> MaxL2Margin.solve(x, new double[] {1, Double.NaN}));
        assertThrows(
                IllegalArgumentException.class,
                () -> MaxL2Margin.solve(new PackedSigns(0, 3, new long[0]), new double[0]));
        assertThrows(IllegalArgumentException.class, () -> MaxL2Margin.solve(null, new double[] {1}));
    }
}
