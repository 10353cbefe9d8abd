package lab.grokking.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Chart;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.RunService;
import lab.grokking.web.compare.Legends;
import lab.grokking.web.run.ChartSpecs;
import lab.grokking.web.run.FinalMetric;
import lab.grokking.web.run.Predictors;
import lab.grokking.web.run.RunTitles;
import lab.grokking.web.run.RunView;
import lab.grokking.web.run.ViewState;
import lab.grokking.web.shared.HealthBanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The views' plain logic, for every registered task: chart choice, run titles, transition marker, legends, share-link state, predictor table, headline metric. */
class ViewLogicTest {
    static JsonNode json(String s) throws Exception {
        return Configs.JSON.readTree(s);
    }

    /** Every registered task's name: a new task is covered without touching these tests. */
    static Stream<String> tasks() {
        return TaskSpecs.all().stream().map(TaskSpec::name);
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void everyChartedColumnIsOneTheTaskComputes(String task) {
        TaskSpec<?> spec = TaskSpecs.get(task);
        assertEquals(spec.charts(), ChartSpecs.charts(task));
        assertFalse(ChartSpecs.charts(task).isEmpty(), task + " has charts");
        for (Chart c : ChartSpecs.charts(task))
            for (Chart.Series s : c.series())
                assertTrue(spec.columns().contains(s.column()), task + " has no column " + s.column());
        for (String column : List.of(
                spec.headlineMetric(),
                spec.outcome().trainColumn(),
                spec.outcome().testColumn()))
            assertTrue(spec.columns().contains(column), task + " has no column " + column);
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void theChartDocumentHasTheShapeTheChartElementReads(String task) throws Exception {
        JsonNode config = Configs.toTree(TaskSpecs.get(task).defaults());
        ViewState hideFirst = ViewState.DEFAULT.withHidden(
                Set.of(ChartSpecs.charts(task).get(0).key()));
        JsonNode doc = json(RunView.json(
                ChartSpecs.document(task, List.of(new ChartSpecs.Run("r1", "this run")), List.of(config), hideFirst)));
        assertEquals(ChartSpecs.charts(task).size() - 1, doc.get("charts").size(), "hidden charts are left out");
        JsonNode chart = doc.get("charts").get(0), series = chart.get("series").get(0);
        for (String k : List.of("key", "title", "ylog", "ylabel", "series")) assertTrue(chart.has(k), k);
        for (String k : List.of("column", "label", "dash")) assertTrue(series.has(k), k);
        assertEquals("r1", doc.get("runs").get(0).get("id").asText());
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void runTitlesAreTheSpecsWithTheCommonParameters(String task) throws Exception {
        TaskSpec<?> spec = TaskSpecs.get(task);
        ObjectNode config = Configs.toTree(spec.defaults());
        String suffix = ": α = " + config.get("alpha").asText() + ", η = "
                + config.get("lr").asText() + ", λ = "
                + config.get("weightDecay").asText();
        assertEquals(runTitle(spec.defaults()) + suffix, RunTitles.of(task, config));
        assertNotEquals(spec.title(), runTitle(spec.defaults()), "the run title names the varied parameters");
        config.put("steps", -5); // a stored config this code no longer accepts: the task's plain title
        assertEquals(spec.title() + suffix, RunTitles.of(task, config));
    }

    @Test
    void aRunOfAnUnknownTaskIsTitledByItsName() throws Exception {
        assertEquals(
                "gone: α = 2, η = 1, λ = 0",
                RunTitles.of("gone", json("{\"task\":\"gone\",\"alpha\":2,\"lr\":1,\"weightDecay\":0}")));
    }

    private static <C extends RunConfig> String runTitle(C cfg) {
        return TaskSpecs.of(cfg).runTitle(cfg);
    }

    @Test
    void theTransitionMarkerSitsAtLnAlphaOverLambdaEta() throws Exception {
        List<Map<String, Object>> m = ChartSpecs.markers(json("{\"alpha\": 100, \"lr\": 0.5, \"weightDecay\": 0.001}"));
        assertEquals(1, m.size());
        assertEquals(Math.log(100) / 0.001 / 0.5, (double) m.get(0).get("step"), 1e-9);
        assertEquals(Math.log(100) / 0.001, (double) m.get(0).get("time"), 1e-9);
        assertTrue(
                ChartSpecs.markers(json("{\"alpha\": 1, \"lr\": 1, \"weightDecay\": 0.001}"))
                        .isEmpty(),
                "α = 1: no kernel phase");
        assertTrue(
                ChartSpecs.markers(json("{\"alpha\": 10, \"lr\": 1, \"weightDecay\": 0}"))
                        .isEmpty(),
                "λ = 0: no transition");
    }

    @Test
    void legendsNameOnlyTheParametersThatDiffer() throws Exception {
        List<JsonNode> fig2b = List.of(
                json("{\"task\":\"modadd\",\"alpha\":1,\"lr\":1}"),
                json("{\"task\":\"modadd\",\"alpha\":10,\"lr\":1}"),
                json("{\"task\":\"modadd\",\"alpha\":100,\"lr\":1}"));
        assertEquals(List.of("α = 1", "α = 10", "α = 100"), Legends.labels(fig2b));
        assertEquals(List.of("run 1", "run 2"), Legends.labels(List.of(json("{\"a\":1}"), json("{\"a\":1}"))));
    }

    @Test
    void viewStateRoundTripsThroughTheQueryAndIgnoresBadValues() {
        ViewState s = ViewState.parse(Map.of("x", List.of("time"), "xlog", List.of("0"), "step", List.of("1234")));
        assertEquals(new ViewState("time", false, 1234L, Set.of()), s);
        assertEquals("x=time&xlog=0&step=1234", s.query());
        ViewState h = ViewState.parse(Map.of("hide", List.of("norm,loss,../x,predictors")));
        assertEquals(Set.of("loss", "norm", "predictors"), h.hidden(), "chart keys only");
        assertEquals("x=step&xlog=1&hide=loss,norm,predictors", h.query());
        assertEquals(h, ViewState.parse(Map.of("hide", List.of("loss,norm,predictors"))));
        assertEquals(ViewState.DEFAULT, ViewState.parse(Map.of("x", List.of("../etc"), "step", List.of("-3"))));
        assertEquals(ViewState.DEFAULT, ViewState.parse(Map.of("step", List.of("99999999999999999999999"))));
    }

    @Test
    void thePredictorTableShowsTheLargestCoordinatesNormalisedAndKeepsTheLateSupport() {
        float[] w = {3, 0, 4, 0.1f, 0}, early = {1, 1, 1, 1, 1}, late = {0, 0, 0, 0, 2};
        List<Predictors.Coordinate> top = Predictors.top(w, early, late, 2);
        assertEquals(
                List.of(2, 0, 4),
                top.stream().map(Predictors.Coordinate::index).toList(),
                "top |w|, then w1*'s support");
        assertEquals(4 / Math.sqrt(25.01), top.get(0).net(), 1e-6);
        assertEquals(1 / Math.sqrt(5), top.get(0).early(), 1e-6);
        assertEquals(1.0, top.get(2).late(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Predictors.top(w, early, new float[2], 2));
    }

    /** The first task whose outcome is measured in {@code testColumn}. */
    static TaskSpec<?> taskWithOutcome(String testColumn) {
        return TaskSpecs.all().stream()
                .filter(s -> s.outcome().testColumn().equals(testColumn))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no task measures " + testColumn));
    }

    @Test
    void theHeadlineMetricIsTestAccuracyOrTestMse() {
        TaskSpec<?> classifier = taskWithOutcome("test_acc"), regression = taskWithOutcome("test_mse");
        assertEquals(
                "final (step 300): train accuracy 100.0 %, test accuracy 97.5 %",
                FinalMetric.describe(
                        classifier,
                        List.of("step", "train_acc", "test_acc"),
                        List.of(new double[] {0, 0.5, 0.5}, new double[] {300, 1, 0.975})));
        assertEquals(
                "final (step 10): train MSE 1.00e-08, test MSE 0.102",
                FinalMetric.describe(
                        regression,
                        List.of("step", "train_mse", "test_mse"),
                        List.<double[]>of(new double[] {10, 1e-8, 0.102})));
        assertEquals("", FinalMetric.describe(classifier, List.of("step"), List.of()));
        assertEquals("", FinalMetric.describe(classifier, null, List.of()));
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void theHeadlineMetricReadsTheTasksOutcomeColumns(String task) {
        TaskSpec<?> spec = TaskSpecs.get(task);
        List<String> columns = spec.columns();
        double[] row = new double[columns.size()];
        Arrays.fill(row, 0.25);
        row[columns.indexOf("step")] = 42;
        row[columns.indexOf(spec.outcome().trainColumn())] = 0.5;
        row[columns.indexOf(spec.outcome().testColumn())] = 0.125;
        String s = FinalMetric.describe(spec, columns, List.<double[]>of(row));
        assertTrue(s.startsWith("final (step 42): train "), s);
        assertTrue(s.contains(", test "), s);
        assertFalse(s.contains("0.250") || s.contains("25.0 %"), "only the outcome columns: " + s);
        assertTrue(s.contains("0.500") || s.contains("50.0 %"), s);
        assertTrue(s.contains("0.125") || s.contains("12.5 %"), s);
    }

    @Test
    void theHealthBannerSaysWhatIsWrongAndWhatItMeansForRuns() {
        assertNull(HealthBanner.text(new RunService.Health(true, List.of(), true, 1 << 30, 1, 0, 0)));
        assertEquals(
                "The server is degraded: free space 1.0 MB in /d is below store.minFreeBytes (33.6 MB).",
                HealthBanner.text(new RunService.Health(
                        false,
                        List.of("free space 1.0 MB in /d is below store.minFreeBytes (33.6 MB)"),
                        true,
                        1_000_000,
                        0,
                        0,
                        0)));
        String text = HealthBanner.text(new RunService.Health(
                false,
                List.of("store not writable: the disk holding /d is full (0.1 MB free)"),
                false,
                100_000,
                0,
                1,
                2));
        assertEquals(
                "The server is degraded: store not writable: the disk holding /d is full (0.1 MB free). 2 runs are"
                        + " paused at their last checkpoint and resume by themselves. New runs are refused until it"
                        + " recovers; finished runs can still be read.",
                text);
    }
}
