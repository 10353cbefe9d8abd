package lab.grokking.core.modadd;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import lab.grokking.core.config.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The MLP step against finite differences, its backends against each other, its init scale, and its allocation. */
class ModaddNetTest {
    static ModaddConfig config(String fields) {
        return (ModaddConfig) Configs.parse("{\"task\":\"modadd\"," + fields + "}");
    }

    /** Mean cross-entropy of the current parameters, from the double-precision log-space loss. */
    static double loss(ModaddNet net) {
        net.transposeW2(); // the logits read the transposed copy of W₂
        net.forward();
        return StrictMath.exp(net.lnLoss());
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        ModaddConfig cfg = config("\"p\":7,\"trainFraction\":0.5,\"width\":16,\"alpha\":1,\"seed\":3,\"steps\":1");
        ModaddNet net = new ModaddNet(cfg, ModaddData.generate(cfg), MatMul.scalar());
        net.forward();
        net.backward(StrictMath.log(net.n)); // ∇𝓛
        float[][] g = net.gradients();
        float[][] params = {net.e, net.b1, net.w2};
        String[] names = {"W1", "b1", "W2"};
        for (int t = 0; t < 3; t++) {
            float[] w = params[t], gr = g[t].clone();
            double num = 0, den = 0;
            for (int i = 0; i < w.length; i++) {
                float old = w[i];
                float eps = 1e-3f;
                w[i] = old + eps;
                double up = loss(net);
                boolean[] upPattern = pattern(net);
                w[i] = old - eps;
                double down = loss(net);
                w[i] = old;
                if (!Arrays.equals(upPattern, pattern(net)))
                    continue; // a ReLU kink inside ±eps: no derivative to compare
                double fd = (up - down) / (2.0 * eps);
                num += (fd - gr[i]) * (fd - gr[i]);
                den += fd * fd;
            }
            assertTrue(den > 0, names[t] + " has a gradient");
            assertTrue(Math.sqrt(num / den) < 2e-3, names[t] + ": relative error " + Math.sqrt(num / den));
        }
    }

    static boolean[] pattern(ModaddNet net) {
        boolean[] b = new boolean[net.hid.length];
        for (int i = 0; i < b.length; i++) b[i] = net.hid[i] > 0;
        return b;
    }

    @Test
    void vectorAndScalarBackendsGiveTheSameBits() {
        ModaddConfig cfg = config(
                "\"p\":13,\"trainFraction\":0.5,\"width\":40,\"alpha\":2,\"zeroLastLayer\":true,\"lr\":0.05,\"weightDecay\":0.001,\"steps\":1");
        ModaddData d = ModaddData.generate(cfg);
        ModaddNet a = new ModaddNet(cfg, d, MatMul.get()), b = new ModaddNet(cfg, d, MatMul.scalar());
        for (int s = 0; s < 20; s++) {
            a.forward();
            b.forward();
            assertEquals(a.lnLoss(), b.lnLoss(), 0.0, "step " + s);
            a.step();
            b.step();
        }
        double[][] sa = a.state(), sb = b.state();
        for (int i = 0; i < sa.length; i++) assertArrayEquals(sa[i], sb[i], 0.0);
    }

    @Test
    void initialNormsAreThePapers() {
        // paper §4: √(2h + p) = 46.3 with a random W₂ at α = 1, √(2h)·α = 45.25·α with W₂ = 0 (h = 1024, p = 97)
        ModaddConfig he = config("\"steps\":1"), zero = config("\"steps\":1,\"zeroLastLayer\":true,\"alpha\":10");
        assertEquals(
                46.3, ModaddRun.norm(new ModaddNet(he, ModaddData.generate(he), MatMul.get()).squaredNorms()), 0.5);
        assertEquals(
                452.5, ModaddRun.norm(new ModaddNet(zero, ModaddData.generate(zero), MatMul.get()).squaredNorms()), 5);
        assertEquals(3763, he.nTrain());
        assertEquals(5646, he.nTest());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void forwardAndStepAllocateNothing(String backend) {
        var bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        ModaddConfig cfg =
                config("\"p\":23,\"trainFraction\":0.5,\"width\":64,\"lr\":0.05,\"weightDecay\":0.001,\"steps\":1");
        ModaddNet net = new ModaddNet(cfg, ModaddData.generate(cfg), MatMul.named(backend));
        for (int s = 0; s < 5000; s++) { // warm up the JIT (C2 must compile the Vector API code, or it boxes)
            net.forward();
            net.step();
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int s = 0; s < 100; s++) {
            net.forward();
            net.step();
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 100 steps");
    }

    @Test
    void lossStaysPreciseFarBelowFloatResolution() {
        float[] z = {30f, 0f, 0f, 0f}; // ℓ = ln(1 + 3e^−30) ≈ 2.8e−13, which 1 − softmax would round to 0
        double[] m = CrossEntropy.metrics(z, 4, 1, 4, new int[] {0}, new double[1]);
        assertEquals(3 * StrictMath.exp(-30), m[0], 1e-12 * 3 * StrictMath.exp(-30) * 10);
        assertEquals(StrictMath.log(3) - 30, m[1], 1e-9);
        assertEquals(1.0, m[2]);
        assertEquals(30.0, m[3]);
        for (double x = -740; x < 700; x += 0.37)
            assertEquals(StrictMath.exp(x), CrossEntropy.exp(x), 4e-15 * StrictMath.exp(x), "x = " + x);
    }
}
