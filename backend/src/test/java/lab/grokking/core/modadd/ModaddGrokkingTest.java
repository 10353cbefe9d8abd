package lab.grokking.core.modadd;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.RunListener;
import lab.grokking.core.config.Configs;
import org.junit.jupiter.api.Test;

/**
 * Fig. 2 at reduced scale: the classroom presets' p = 31 and width 256, but η = 2, so λη and with it every time
 * scale is doubled (η = 2 is still stable here), and runs stop once test accuracy reaches their target.
 */
class ModaddGrokkingTest {
    private static final List<String> COLS = ModaddSpec.COLUMNS;
    private static final int STEP = COLS.indexOf("step"),
            TRAIN = COLS.indexOf("train_acc"),
            TEST = COLS.indexOf("test_acc");
    /** Runs shared between the tests (same config, same rows). */
    private static final Map<String, List<double[]>> RUNS = new HashMap<>();

    /** Rows of a run with W₂ = 0, stopped after the first evaluation with test accuracy ≥ target. */
    static synchronized List<double[]> run(double lr, double alpha, double wd, double target, long maxSteps) {
        String key = lr + "/" + alpha + "/" + wd + "/" + target;
        return RUNS.computeIfAbsent(key, k -> {
            ModaddConfig cfg = (ModaddConfig) Configs.parse(String.format(
                    Locale.ROOT,
                    "{\"task\":\"modadd\",\"p\":31,\"trainFraction\":0.7,\"width\":256,\"lr\":%s,\"weightDecay\":%s,\"alpha\":%s,"
                            + "\"zeroLastLayer\":true,\"steps\":%d,\"evalPerDecade\":40,\"seed\":1}",
                    lr,
                    wd,
                    alpha,
                    maxSteps));
            List<double[]> rows = new ArrayList<>();
            cfg.newTask().run(new RunListener() {
                @Override
                public void onEvaluation(double[] row) {
                    rows.add(row.clone());
                }

                @Override
                public boolean cancelled() {
                    return !rows.isEmpty() && rows.getLast()[TEST] >= target;
                }
            });
            return rows;
        });
    }

    /** First evaluated step where column ≥ level (fails if never). */
    static long first(List<double[]> rows, int col, double level) {
        for (double[] r : rows) if (r[col] >= level) return (long) r[STEP];
        return fail("column " + COLS.get(col) + " never reached " + level + " in " + (long) rows.getLast()[STEP]
                + " steps");
    }

    @Test
    void memorisesFirstThenGeneralisesMuchLater() {
        List<double[]> rows = run(2, 10, 2e-3, 0.95, 6000);
        long memorised = first(rows, TRAIN, 1.0);
        double testThen =
                rows.stream().filter(r -> r[STEP] == memorised).findFirst().orElseThrow()[TEST];
        long generalised = first(rows, TEST, 0.95);
        // measured: train 100 % at step 60 with test 0 %, test 95 % at 2985
        assertTrue(testThen < 0.1, "test accuracy " + testThen + " when train accuracy reached 100 %");
        assertTrue(generalised > 20 * memorised, "test 95 % at " + generalised + ", train 100 % at " + memorised);
        for (double[] r : rows)
            if (r[STEP] >= memorised)
                assertEquals(1.0, r[TRAIN], "train accuracy stays 100 % at step " + (long) r[STEP]);
    }

    @Test
    void largerInitScaleGroksLaterByAboutLn10OverLambdaEtaPerDecade() {
        long a1 = first(run(2, 1, 2e-3, 0.5, 4000), TEST, 0.5);
        long a10 = first(run(2, 10, 2e-3, 0.95, 6000), TEST, 0.5);
        long a100 = first(run(2, 100, 2e-3, 0.5, 4000), TEST, 0.5);
        // measured: 1189 < 1334 < 1884 (α = 1 is not yet asymptotic, as in the paper)
        assertTrue(a1 < a10 && a10 < a100, "test-50 % steps " + a1 + ", " + a10 + ", " + a100 + " for α = 1, 10, 100");
        double shift = StrictMath.log(10) / (2e-3 * 2); // ln(10)/(λη) ≈ 576 steps per ×10 in α
        assertEquals(shift, a100 - a10, 0.5 * shift, "α 10 → 100 shift");
    }

    @Test
    void largerWeightDecayGroksEarlier() {
        long wd1 = first(run(2, 10, 1e-3, 0.5, 5000), TEST, 0.5);
        long wd2 = first(run(2, 10, 2e-3, 0.95, 6000), TEST, 0.5);
        long wd4 = first(run(2, 10, 4e-3, 0.5, 3000), TEST, 0.5);
        // measured: 2371 > 1334 > 1000
        assertTrue(
                wd1 > wd2 && wd2 > wd4, "test-50 % steps " + wd1 + ", " + wd2 + ", " + wd4 + " for λ = 1, 2, 4 ·10⁻³");
        // roughly ∝ 1/λ (the paper's Fig. 2c: ×6.8 for ×10): ×4 in λ must give at least ×2
        assertTrue(wd1 > 2 * wd4, "λ ×4 shortens " + wd1 + " only to " + wd4);
    }

    @Test
    void tooLargeWeightDecayCollapses() {
        List<double[]> rows =
                run(1, 10, 1e-2, 2, 1500); // the fig2c λ = 10⁻² preset's settings; target 2: never stops early
        double peak = rows.stream().mapToDouble(r -> r[TRAIN]).max().orElseThrow(), last = rows.getLast()[TRAIN];
        // measured: train accuracy peaks at 92.7 % near step 71, then falls to chance (1/31) as ‖θ‖ → 1
        assertTrue(peak > 0.8, "train accuracy peak " + peak);
        assertTrue(last < 0.1, "train accuracy at the end " + last);
        assertTrue(rows.getLast()[COLS.indexOf("norm")] < 2, "‖θ‖ at the end " + rows.getLast()[COLS.indexOf("norm")]);
    }
}
