package lab.grokking.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LawFitTest {
    @Test
    void anExactLineIsFoundWithR2OfOne() {
        double[] x = {0, 1, 2, 3, 4}, y = new double[5];
        for (int i = 0; i < 5; i++) y[i] = 1.0 * x[i] - 2;
        LawFit f = LawFit.fit(x, y);
        assertEquals(5, f.points());
        assertEquals(1.0, f.slope(), 1e-12);
        assertEquals(-2.0, f.intercept(), 1e-12);
        assertEquals(2.0, f.c(), 1e-12);
        assertEquals(1.0, f.r2(), 1e-12);
        assertEquals(1.0, f.slopeLow(), 1e-12); // no residual: the interval is a point
        assertEquals(1.0, f.slopeHigh(), 1e-12);
    }

    /** Reference numbers from scipy.stats.linregress and stats.t.ppf(0.975, 5), computed beforehand. */
    @Test
    void aNoisyLineMatchesScipy() {
        double[] x = {1, 2, 3, 4, 5, 6, 7}, y = {2.9, 5.2, 6.8, 9.1, 11.0, 12.8, 15.3};
        LawFit f = LawFit.fit(x, y);
        assertEquals(2.021428571428572, f.slope(), 1e-12);
        assertEquals(0.928571428571427, f.intercept(), 1e-12);
        assertEquals(0.9981181455633101, f.r2(), 1e-12);
        assertEquals(1.920524922851248, f.slopeLow(), 1e-9);
        assertEquals(2.122332220005896, f.slopeHigh(), 1e-9);
        assertEquals(0.47731659377813485, f.interceptLow(), 1e-9);
        assertEquals(1.3798262633647194, f.interceptHigh(), 1e-9);
    }

    @Test
    void studentsQuantilesMatchScipy() {
        assertEquals(12.706204736174694, StudentT.twoSided(0.95, 1), 1e-8);
        assertEquals(4.302652729749462, StudentT.twoSided(0.95, 2), 1e-9);
        assertEquals(2.5705818356363146, StudentT.twoSided(0.95, 5), 1e-9);
        assertEquals(2.228138851986274, StudentT.twoSided(0.95, 10), 1e-9);
        assertEquals(2.0422724563012378, StudentT.twoSided(0.95, 30), 1e-9);
    }

    @Test
    void theIntervalContainsTheTrueSlopeOfNoisyLaws() {
        SplittableRandom rng = new SplittableRandom(7);
        int covered = 0, trials = 200;
        for (int trial = 0; trial < trials; trial++) {
            double[] x = new double[15], y = new double[15];
            for (int i = 0; i < x.length; i++) {
                x[i] = StrictMath.log(10 * StrictMath.pow(10, i / 7.0)); // ln α over α = 10 .. 1000
                y[i] = x[i] - 2 + 0.3 * gaussian(rng);
            }
            LawFit f = LawFit.fit(x, y);
            if (f.slopeLow() <= 1 && 1 <= f.slopeHigh()) covered++;
        }
        // a 95 % interval covers the truth in about 190 of 200 trials (binomial sd ≈ 3)
        assertTrue(covered >= 180 && covered <= 199, "covered " + covered + " of " + trials);
    }

    @Test
    void tooFewPointsOrNoSpreadInXGiveNoFit() {
        assertNull(LawFit.fit(new double[] {1, 2}, new double[] {1, 2}));
        assertNull(LawFit.fit(new double[] {}, new double[] {}));
        assertNull(LawFit.fit(new double[] {3, 3, 3}, new double[] {1, 2, 3}));
    }

    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * StrictMath.log(1 - u)) * StrictMath.cos(2 * Math.PI * v);
    }
}
