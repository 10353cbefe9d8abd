package lab.grokking.core.diag;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import lab.grokking.core.config.Configs;
import lab.grokking.core.linalg.DenseDesign;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiagTrainerTest {
    /** 𝓛(θ) + (λ/2)‖θ‖² in double, straight from the definition. */
    static double objective(double[][] x, double[] y, double[] u, double[] v, int L, double lambda) {
        double loss = 0, reg = 0;
        for (int i = 0; i < y.length; i++) {
            double f = 0;
            for (int k = 0; k < u.length; k++) f += (Math.pow(u[k], L) - Math.pow(v[k], L)) * x[i][k];
            loss += DiagRun.softplus(-y[i] * f);
        }
        for (int k = 0; k < u.length; k++) reg += u[k] * u[k] + v[k] * v[k];
        return loss / y.length + lambda / 2 * reg;
    }

    /** One GD step equals θ − η∇(𝓛 + λ/2‖θ‖²) with the gradient taken by central differences, for any depth L. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aStepIsGradientDescentOnTheRegularisedLogisticLoss(int L) {
        int n = 6, d = 5;
        double eta = 0.05, lambda = 0.1;
        double[][] x = new double[n][d];
        double[] y = new double[n];
        SplittableRandom r = new SplittableRandom(L);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) x[i][k] = r.nextInt(-4, 5) / 4.0; // exact in float32
            y[i] = r.nextBoolean() ? 1 : -1;
        }
        DiagConfig cfg = (DiagConfig) Configs.parse("{\"task\":\"diag\",\"d\":" + d + ",\"n\":" + n
                + ",\"nTest\":1,\"depth\":" + L + ",\"alpha\":3,\"lr\":" + eta + ",\"weightDecay\":" + lambda + "}");
        DiagTrainer t = new DiagTrainer(cfg, DenseDesign.of(x), y);
        for (int s = 0; s < 3; s++) {
            t.forward();
            t.step();
        } // move off the symmetric init, where ∂/∂u = −∂/∂v
        double[] u0 = t.u.clone(), v0 = t.v.clone();
        t.forward();
        t.step();
        double h = 1e-6;
        for (int k = 0; k < d; k++) {
            for (int part = 0; part < 2; part++) {
                double[] p = (part == 0 ? u0 : v0).clone(), m = p.clone();
                p[k] += h;
                m[k] -= h;
                double gp = part == 0 ? objective(x, y, p, v0, L, lambda) : objective(x, y, u0, p, L, lambda);
                double gm = part == 0 ? objective(x, y, m, v0, L, lambda) : objective(x, y, u0, m, L, lambda);
                double expected = (part == 0 ? u0 : v0)[k] - eta * (gp - gm) / (2 * h);
                double got = (part == 0 ? t.u : t.v)[k];
                // float32 products: agreement to ~1e-6 of the step, far tighter than a missing factor L or a sign
                assertEquals(
                        expected,
                        got,
                        1e-5 * Math.max(1, Math.abs(expected)),
                        (part == 0 ? "u" : "v") + "[" + k + "], L = " + L);
            }
        }
    }
}
