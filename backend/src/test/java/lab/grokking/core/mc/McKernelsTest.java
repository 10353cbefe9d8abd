package lab.grokking.core.mc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import lab.grokking.core.config.Configs;
import lab.grokking.core.linalg.Workers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SIMD and scalar kernels agree bit for bit at sizes that exercise every block width and tail of both kernels,
 * and a step split over threads (uneven parts of pairs and rows) gives the bits of the unsplit step.
 */
class McKernelsTest {
    @ParameterizedTest
    @ValueSource(ints = {2, 5, 8, 13, 16, 19, 31, 40, 97})
    void vectorSplitAndScalarTrainersGiveTheSameBits(int d) {
        McConfig cfg = (McConfig) Configs.parse(
                "{\"task\":\"mc\",\"d\":" + d + ",\"observed\":0.4,\"sigma\":0.1,\"steps\":10,\"seed\":7}");
        McData data = McData.generate(cfg);
        McTrainer v = new McTrainer(cfg, data, McKernels.get(), 3), s = new McTrainer(cfg, data, McKernels.scalar(), 1);
        for (int k = 0; k < 50; k++) {
            v.forward();
            s.forward();
            assertEquals(s.loss(), v.loss(), 0, "loss at step " + k + ", d = " + d);
            v.step();
            s.step();
        }
        assertArrayEquals(s.u, v.u, 0);
        assertArrayEquals(s.v, v.v, 0);
        double[] wv = new double[d * d], ws = new double[d * d];
        v.fullW(wv);
        s.fullW(ws);
        assertArrayEquals(ws, wv, 0);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) assertEquals(wv[i * d + j], wv[j * d + i], 0, "W symmetric");
    }

    @Test
    void aStepSplitsIntoOnePartPer2To14OfDTimesNUpToTheThreadCount() {
        int t = Workers.threads();
        assertEquals(1, McTrainer.defaultParts(24, 115), "classroom Fig. 3");
        assertEquals(1, McTrainer.defaultParts(64, 205), "d = 64 at 5 %: measured no faster split");
        assertEquals(Math.min(2, t), McTrainer.defaultParts(97, 470), "paper Fig. 3");
        assertEquals(t, McTrainer.defaultParts(4096, 1 << 24), "large: every thread, no int overflow");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 7, 8, 9, 15, 16, 17, 97})
    void dotDiffIsTheSameBitsInBothKernelsAndSymmetric(int len) {
        Random r = new Random(len);
        double[] u = new double[3 * len], v = new double[3 * len];
        for (int i = 0; i < u.length; i++) {
            u[i] = r.nextGaussian();
            v[i] = r.nextGaussian();
        }
        McKernels vec = McKernels.get(), sc = McKernels.scalar();
        double exact = 0;
        for (int c = 0; c < len; c++) exact += u[c] * u[2 * len + c] - v[c] * v[2 * len + c];
        double x = sc.dotDiff(u, v, 0, 2 * len, len);
        assertEquals(x, vec.dotDiff(u, v, 0, 2 * len, len), 0);
        assertEquals(x, vec.dotDiff(u, v, 2 * len, 0, len), 0);
        assertEquals(x, sc.dotDiff(u, v, 2 * len, 0, len), 0);
        assertEquals(exact, x, 1e-12 * len);
    }
}
