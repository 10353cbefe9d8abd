package lab.grokking.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import lab.grokking.core.config.Configs;
import lab.grokking.core.diag.DiagTask;
import lab.grokking.core.mc.McTask;
import lab.grokking.core.modadd.ModaddTask;
import lab.grokking.web.compare.Legends;
import lab.grokking.web.run.ChartSpecs;
import lab.grokking.web.run.FinalMetric;
import lab.grokking.web.run.Predictors;
import lab.grokking.web.run.ViewState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The views' plain logic: chart choice, transition marker, legends, share-link state, predictor table, headline metric. */
class ViewLogicTest {
    static JsonNode json(String s) throws Exception { return Configs.JSON.readTree(s); }

    @ParameterizedTest
    @ValueSource(strings = {"diag", "mc", "modadd"})
    void everyChartedColumnIsOneTheTaskComputes(String task) {
        List<String> columns = switch (task) {
            case "diag" -> DiagTask.COLUMNS;
            case "mc" -> McTask.COLUMNS;
            default -> ModaddTask.COLUMNS;
        };
        for (ChartSpecs.Chart c : ChartSpecs.charts(task))
            for (ChartSpecs.Series s : c.series()) assertTrue(columns.contains(s.column()), task + " has no column " + s.column());
    }

    @Test
    void theTransitionMarkerSitsAtLnAlphaOverLambdaEta() throws Exception {
        List<Map<String, Object>> m = ChartSpecs.markers(json("{\"alpha\": 100, \"lr\": 0.5, \"weightDecay\": 0.001}"));
        assertEquals(1, m.size());
        assertEquals(Math.log(100) / 0.001 / 0.5, (double) m.get(0).get("step"), 1e-9);
        assertEquals(Math.log(100) / 0.001, (double) m.get(0).get("time"), 1e-9);
        assertTrue(ChartSpecs.markers(json("{\"alpha\": 1, \"lr\": 1, \"weightDecay\": 0.001}")).isEmpty(), "α = 1: no kernel phase");
        assertTrue(ChartSpecs.markers(json("{\"alpha\": 10, \"lr\": 1, \"weightDecay\": 0}")).isEmpty(), "λ = 0: no transition");
    }

    @Test
    void legendsNameOnlyTheParametersThatDiffer() throws Exception {
        List<JsonNode> fig2b = List.of(json("{\"task\":\"modadd\",\"alpha\":1,\"lr\":1}"), json("{\"task\":\"modadd\",\"alpha\":10,\"lr\":1}"),
                json("{\"task\":\"modadd\",\"alpha\":100,\"lr\":1}"));
        assertEquals(List.of("α = 1", "α = 10", "α = 100"), Legends.labels(fig2b));
        assertEquals(List.of("run 1", "run 2"), Legends.labels(List.of(json("{\"a\":1}"), json("{\"a\":1}"))));
    }

    @Test
    void viewStateRoundTripsThroughTheQueryAndIgnoresBadValues() {
        ViewState s = ViewState.parse(Map.of("x", List.of("time"), "xlog", List.of("0"), "step", List.of("1234")));
        assertEquals(new ViewState("time", false, 1234L, java.util.Set.of()), s);
        assertEquals("x=time&xlog=0&step=1234", s.query());
        ViewState h = ViewState.parse(Map.of("hide", List.of("norm,loss,../x,predictors")));
        assertEquals(java.util.Set.of("loss", "norm", "predictors"), h.hidden(), "chart keys only");
        assertEquals("x=step&xlog=1&hide=loss,norm,predictors", h.query());
        assertEquals(h, ViewState.parse(Map.of("hide", List.of("loss,norm,predictors"))));
        assertEquals(ViewState.DEFAULT, ViewState.parse(Map.of("x", List.of("../etc"), "step", List.of("-3"))));
        assertEquals(ViewState.DEFAULT, ViewState.parse(Map.of("step", List.of("99999999999999999999999"))));
    }

    @Test
    void thePredictorTableShowsTheLargestCoordinatesNormalisedAndKeepsTheLateSupport() {
        float[] w = {3, 0, 4, 0.1f, 0}, early = {1, 1, 1, 1, 1}, late = {0, 0, 0, 0, 2};
        List<Predictors.Coordinate> top = Predictors.top(w, early, late, 2);
        assertEquals(List.of(2, 0, 4), top.stream().map(Predictors.Coordinate::index).toList(), "top |w|, then w1*'s support");
        assertEquals(4 / Math.sqrt(25.01), top.get(0).net(), 1e-6);
        assertEquals(1 / Math.sqrt(5), top.get(0).early(), 1e-6);
        assertEquals(1.0, top.get(2).late(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Predictors.top(w, early, new float[2], 2));
    }

    @Test
    void theHeadlineMetricIsTestAccuracyOrTestMse() {
        assertEquals("final (step 300): train accuracy 100.0 %, test accuracy 97.5 %",
                FinalMetric.describe(List.of("step", "train_acc", "test_acc"), List.of(new double[] {0, 0.5, 0.5}, new double[] {300, 1, 0.975})));
        assertEquals("final (step 10): train MSE 1.00e-08, test MSE 0.102",
                FinalMetric.describe(List.of("step", "train_mse", "test_mse"), List.<double[]>of(new double[] {10, 1e-8, 0.102})));
        assertEquals("", FinalMetric.describe(List.of("step"), List.of()));
    }
}
