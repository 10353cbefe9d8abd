package lab.grokking.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.task.OutcomeMetric;
import org.junit.jupiter.api.Test;

/** The outcome rules on synthetic curves: rows (step, train, test) at log-spaced steps. */
class OutcomesTest {
    private static final List<String> COLUMNS = List.of("step", "train_acc", "test_acc");
    private static final OutcomeMetric ACC = OutcomeMetric.atLeast("train_acc", "test_acc", 0.95);
    private static final long[] STEPS = {0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

    /** Rows at {@link #STEPS} with these train and test values. */
    private static List<double[]> curve(double[] train, double[] test) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < STEPS.length; i++) rows.add(new double[] {STEPS[i], train[i], test[i]});
        return rows;
    }

    private static Classification classify(double[] train, double[] test) {
        return Outcomes.classify(ACC, COLUMNS, curve(train, test), true);
    }

    private static final double[] FITS_AT_10 = {.1, .2, .3, .6, .96, .99, 1, 1, 1, 1, 1};

    @Test
    void notFinishedWhateverTheRows() {
        Classification c = Outcomes.classify(ACC, COLUMNS, curve(FITS_AT_10, FITS_AT_10), false);
        assertEquals(Outcome.NOT_FINISHED, c.outcome());
        assertNull(c.fitStep());
        assertTrue(c.reason().contains("not finished"), c.reason());
    }

    @Test
    void didNotFit() {
        Classification c = classify(new double[] {.1, .2, .3, .4, .5, .6, .7, .8, .9, .94, .949}, FITS_AT_10);
        assertEquals(Outcome.DID_NOT_FIT, c.outcome());
        assertNull(c.fitStep());
        assertEquals("train_acc ≥ 0.95 at no evaluation (11 rows)", c.reason());
    }

    @Test
    void generalisedWithoutDelay() {
        // test holds from step 10 like train: no delay
        Classification c = classify(FITS_AT_10, FITS_AT_10);
        assertEquals(Outcome.GENERALISED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertEquals(10L, c.transitionStep());
        assertEquals(0L, c.delay());
    }

    @Test
    void grokkedAfterTheFit() {
        Classification c = classify(FITS_AT_10, new double[] {.1, .1, .1, .1, .2, .2, .3, .5, .97, 1, 1});
        assertEquals(Outcome.GROKKED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertEquals(200L, c.transitionStep());
        assertEquals(190L, c.delay());
        assertEquals(
                "train_acc ≥ 0.95 from step 10, test_acc ≥ 0.95 from step 200, at least 2× the fit step", c.reason());
    }

    @Test
    void theGrokkingFactorIsTheBorderBetweenGeneralisedAndGrokked() {
        double[] at20 = {.1, .1, .1, .1, .5, .96, 1, 1, 1, 1, 1}; // step 20 = 2 × the fit step 10: grokked
        assertEquals(Outcome.GROKKED, classify(FITS_AT_10, at20).outcome());
        assertEquals(10L, classify(FITS_AT_10, at20).delay());
        double[] trainAt5 = {.1, .2, .3, .96, .99, 1, 1, 1, 1, 1, 1}; // fit 5, test 10 = 2 × 5: grokked
        assertEquals(Outcome.GROKKED, classify(trainAt5, FITS_AT_10).outcome());
        double[] trainAt10Test5 = {.1, .2, .3, .6, .96, 1, 1, 1, 1, 1, 1};
        double[] test5 = {.1, .2, .3, .96, .99, 1, 1, 1, 1, 1, 1}; // test before train holds: generalised
        Classification c = classify(trainAt10Test5, test5);
        assertEquals(Outcome.GENERALISED, c.outcome());
        assertEquals(-5L, c.delay());
    }

    @Test
    void aNoisyEarlyTouchOfTheLevelDoesNotCountAsTheTransition() {
        // test touches 0.95 at step 20, falls back, and holds only from step 500
        double[] test = {.1, .1, .3, .5, .7, .95, .6, .5, .8, .96, .99};
        Classification c = classify(FITS_AT_10, test);
        assertEquals(Outcome.GROKKED, c.outcome());
        assertEquals(500L, c.transitionStep());
        assertEquals(490L, c.delay());
    }

    @Test
    void aNoisyTrainCurveFitsFromWhereItHoldsTheLevel() {
        double[] train = {.1, .96, .5, .7, .96, .9, .97, 1, 1, 1, 1}; // touches at 1 and 10, holds from 50
        Classification c = classify(train, new double[] {.1, .1, .1, .1, .1, .1, .1, .1, .1, .2, .2});
        assertEquals(Outcome.MEMORISED, c.outcome());
        assertEquals(50L, c.fitStep());
        assertNull(c.transitionStep());
    }

    @Test
    void reachingExactlyTheLevelCounts() {
        double[] exact = {.1, .2, .3, .6, .95, .95, .95, .95, .95, .95, .95};
        Classification c = classify(exact, new double[] {0, 0, 0, 0, 0, 0, 0, 0, .95, .95, .95});
        assertEquals(Outcome.GROKKED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertEquals(200L, c.transitionStep());
        double[] justBelow = {.1, .2, .3, .6, .95, .95, .95, .95, .95, .95, Math.nextDown(.95)};
        assertEquals(Outcome.COLLAPSED, classify(justBelow, FITS_AT_10).outcome());
    }

    @Test
    void memorised() {
        Classification c = classify(FITS_AT_10, new double[] {.1, .1, .2, .2, .3, .3, .4, .4, .5, .5, .5});
        assertEquals(Outcome.MEMORISED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertNull(c.transitionStep());
        assertNull(c.delay());
    }

    @Test
    void misgrokkedWhenTestLosesItsLevel() {
        Classification c = classify(FITS_AT_10, new double[] {.1, .2, .3, .6, .96, .99, 1, .97, .9, .6, .5});
        assertEquals(Outcome.MISGROKKED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertEquals(200L, c.transitionStep()); // the first row of the final stretch below the level
        assertEquals(
                "train_acc ≥ 0.95 from step 10, test_acc ≥ 0.95 first at step 10, lost from step 200 to the end",
                c.reason());
    }

    @Test
    void collapsedWhenTrainLosesItsLevel() {
        double[] train = {.1, .2, .3, .6, .96, .99, 1, .99, .5, .3, .2};
        Classification c = classify(train, FITS_AT_10);
        assertEquals(Outcome.COLLAPSED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertEquals(200L, c.transitionStep());
        assertNull(c.delay());
    }

    @Test
    void atMostMetricsLikeMseUseTheOtherDirection() {
        List<String> columns = List.of("step", "train_mse", "test_mse");
        OutcomeMetric mse = OutcomeMetric.atMost("train_mse", "test_mse", 1e-3);
        double[] train = {1, .5, .1, .01, 1e-3, 1e-4, 1e-5, 1e-6, 1e-6, 1e-6, 1e-6}; // 1e-3 exactly at step 10
        double[] test = {1, 1, 1, 1, 1, .9, .5, .1, 1e-2, 5e-4, 1e-5};
        Classification c = Outcomes.classify(mse, columns, curve(train, test), true);
        assertEquals(Outcome.GROKKED, c.outcome());
        assertEquals(10L, c.fitStep());
        assertEquals(500L, c.transitionStep());
        double[] nan = train.clone();
        nan[10] = Double.NaN; // NaN never reaches a level
        assertEquals(
                Outcome.COLLAPSED,
                Outcomes.classify(mse, columns, curve(nan, test), true).outcome());
    }

    @Test
    void theRulesStateTheFactorOnce() {
        assertTrue(Outcome.GROKKED.rule().contains("at least 2 times the fit step"), Outcome.GROKKED.rule());
        assertEquals("did not fit", Outcome.DID_NOT_FIT.label());
        assertEquals("did_not_fit", Outcome.DID_NOT_FIT.json());
        assertEquals(Outcome.GROKKED, Outcome.ofJson("grokked"));
    }
}
