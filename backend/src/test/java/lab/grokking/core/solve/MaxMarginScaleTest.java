package lab.grokking.core.solve;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paper's sparse task at full size: n = 256, d = 100 000, x uniform ±1, y = sign(x0 + x1 + x2). */
class MaxMarginScaleTest {

    @Test
    void sparseParityScale() {
        int n = 256, d = 100_000;
        PackedSigns x = PackedSigns.random(n, d, new SplittableRandom(2024));
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.signum(x.get(i, 0) + x.get(i, 1) + x.get(i, 2));

        long t0 = System.nanoTime();
        Solution l2 = MaxL2Margin.solve(x, y);
        long t1 = System.nanoTime();
        Solution l1 = MaxL1Margin.solve(x, y);
        long t2 = System.nanoTime();
        System.out.printf(
                "scale n=%d d=%d: L2 %.2f s (%s)%n  L1 %.2f s (%s), |supp w1| = %d%n",
                n, d, (t1 - t0) / 1e9, l2.certificate(), (t2 - t1) / 1e9, l1.certificate(), l1.support(1e-9).length);

        assertTrue(l2.certificate().optimal(1e-6), l2.certificate().toString());
        assertTrue(l1.certificate().optimal(1e-6), l1.certificate().toString());
        assertTrue(l1.l1Norm() <= 3 * (1 + 1e-9), "w = (1,1,1,0,...) is feasible with norm 3");
        assertTrue(l1.l1Norm() <= l2.l1Norm());
        // timing is printed, not asserted: speed is checked by benchmarks, never by timed tests
    }
}
