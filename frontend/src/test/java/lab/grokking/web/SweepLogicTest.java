package lab.grokking.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.core.task.Chart;
import lab.grokking.core.task.OutcomeMetric;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepReport.Axis;
import lab.grokking.server.sweeps.SweepReport.Member;
import lab.grokking.web.compare.Legends;
import lab.grokking.web.compare.SeedBands;
import lab.grokking.web.sweep.AxesText;
import lab.grokking.web.sweep.LawPlot;
import lab.grokking.web.sweep.OutcomeColours;
import lab.grokking.web.sweep.PhaseDiagram;
import lab.grokking.web.sweep.SweepRequest;
import lab.grokking.web.sweep.SweepText;
import org.junit.jupiter.api.Test;

/** The sweep views' plain logic: seed bands, the axes text, the phase grid, the law's plots and words. */
class SweepLogicTest {
    static final List<String> COLS = List.of("step", "train_acc", "test_acc");

    static SeedBands.RunRows run(double[]... rows) {
        return new SeedBands.RunRows(COLS, List.of(rows));
    }

    // ---- seed bands

    @Test
    void bandsAreMeanAndSampleStdAtTheStepsEveryRunEvaluated() {
        var a = run(new double[] {0, 0.1, 0.0}, new double[] {10, 0.5, 0.2}, new double[] {100, 1, 0.4});
        var b = run(new double[] {0, 0.3, 0.0}, new double[] {10, 0.7, 0.4}, new double[] {50, 0.9, 0.9});
        var c = run(new double[] {0, 0.2, 0.0}, new double[] {10, 0.9, 0.6}, new double[] {100, 1, 0.8});
        long[] steps = SeedBands.sharedSteps(List.of(a, b, c), 100);
        assertArrayEquals(new long[] {0, 10}, steps, "50 and 100 are not evaluated by every run");
        var band = SeedBands.band(List.of(a, b, c), steps, "test_acc", "test");
        assertArrayEquals(new double[] {0, 0.4}, band.mean(), 1e-12);
        assertEquals(0, band.std()[0], 1e-12);
        assertEquals(0.2, band.std()[1], 1e-12); // (0.2, 0.4, 0.6): sample std 0.2
    }

    @Test
    void aLongGridIsThinnedToWholeSharedStepsKeepingTheEnds() {
        List<double[]> rows = new ArrayList<>();
        for (int s = 0; s < 2000; s++) rows.add(new double[] {s, s, -s});
        var r = new SeedBands.RunRows(COLS, rows);
        long[] steps = SeedBands.sharedSteps(List.of(r, r), 600);
        assertEquals(600, steps.length);
        assertEquals(0, steps[0]);
        assertEquals(1999, steps[599]);
        for (int i = 1; i < steps.length; i++) assertTrue(steps[i] > steps[i - 1]);
        var band = SeedBands.band(List.of(r, r), steps, "train_acc", "train");
        for (int i = 0; i < steps.length; i++) assertEquals(steps[i], band.mean()[i], 0, "each point is real data");
    }

    @Test
    void aRunWithoutAValueMakesThatPointNaNAndTheDocumentNull() {
        var a = run(new double[] {10, 0.5, Double.NaN});
        var b = run(new double[] {10, 0.7, 0.3});
        var band = SeedBands.band(List.of(a, b), new long[] {10}, "test_acc", "test");
        assertTrue(Double.isNaN(band.mean()[0]));
        Chart chart = new Chart("acc", "Accuracy", false, "acc", List.of(Chart.s("test_acc", "test")));
        Map<String, Object> doc = SeedBands.document(SeedBands.charts(List.of(chart), List.of(a, b)), 2);
        JsonNode json = Configs.JSON.valueToTree(doc);
        assertEquals(2, json.get("runs").asInt());
        assertTrue(json.at("/charts/0/series/0/mean/0").isNull());
        assertEquals(10, json.at("/charts/0/steps/0").asLong());
    }

    @Test
    void onlyRunsDifferingInTheirSeedGetBands() throws Exception {
        JsonNode s1 = Configs.JSON.readTree("{\"alpha\":10,\"seed\":1}"),
                s2 = Configs.JSON.readTree("{\"alpha\":10,\"seed\":2}"),
                a2 = Configs.JSON.readTree("{\"alpha\":30,\"seed\":2}");
        assertTrue(Legends.onlySeedsDiffer(List.of(s1, s2)));
        assertFalse(Legends.onlySeedsDiffer(List.of(s1, a2)));
        assertFalse(Legends.onlySeedsDiffer(List.of(s1)));
    }

    // ---- the form's axes

    @Test
    void axesTextBecomesListsAndRanges() {
        JsonNode axes = AxesText.parse("alpha=10,30,100; weightDecay=1e-3..4e-3 x3 log; lr = 0.1..0.3 x2");
        assertEquals("[10.0,30.0,100.0]", axes.get("alpha").toString());
        assertEquals(0.001, axes.at("/weightDecay/from").asDouble());
        assertEquals(0.004, axes.at("/weightDecay/to").asDouble());
        assertEquals(3, axes.at("/weightDecay/count").asInt());
        assertEquals("log", axes.at("/weightDecay/scale").asText());
        assertEquals("linear", axes.at("/lr/scale").asText());
    }

    @Test
    void badAxesTextNamesTheAxis() {
        var e = assertThrows(ConfigException.class, () -> AxesText.parse("alpha=10,ten; lr=1; lr=2"));
        assertEquals("axes.alpha", e.problems().get(0).field());
        assertTrue(e.problems().get(0).message().contains("10,ten"), e.getMessage());
        assertEquals("axes.lr", e.problems().get(1).field());
        assertEquals("given twice", e.problems().get(1).message());
        assertEquals(
                "axes",
                assertThrows(ConfigException.class, () -> AxesText.parse(" "))
                        .problems()
                        .get(0)
                        .field());
        assertEquals(
                "axes",
                assertThrows(ConfigException.class, () -> AxesText.parse("alpha 10"))
                        .problems()
                        .get(0)
                        .field());
    }

    @Test
    void theFormsRequestHasThePresetAxesAndSeedCount() {
        JsonNode body = SweepRequest.of(" mine ", "fig1a-classroom", "alpha=10,100", 3);
        assertEquals("mine", body.get("title").asText());
        assertEquals("fig1a-classroom", body.get("preset").asText());
        assertEquals(3, body.at("/seeds/count").asInt());
        assertEquals(2, body.at("/axes/alpha").size());
        assertEquals(
                "preset",
                assertThrows(ConfigException.class, () -> SweepRequest.of("", null, "alpha=1", 1))
                        .problems()
                        .get(0)
                        .field());
    }

    // ---- the phase diagram

    static Member member(int i, double alpha, double wd, long seed, Outcome o) {
        return new Member(
                i,
                "run" + i,
                Map.of("alpha", alpha, "weightDecay", wd),
                seed,
                o == Outcome.NOT_FINISHED ? "RUNNING" : "FINISHED",
                1,
                new Classification(o, 10L, o == Outcome.GROKKED ? 1000L : null, null, "test"),
                Map.of());
    }

    static SweepReport report(List<Axis> axes, List<Member> members) {
        return new SweepReport("s1", "t", "diag", 0, axes, List.of(1L, 2L, 3L), members, Map.of(), null, false);
    }

    @Test
    void cellsAggregateSeedsByMajorityAndShowTheSpread() {
        Axis alpha = new Axis("alpha", List.of(10.0, 100.0), true), wd = new Axis("weightDecay", List.of(1e-3), false);
        List<Member> ms = List.of(
                member(0, 10, 1e-3, 1, Outcome.GROKKED),
                member(1, 10, 1e-3, 2, Outcome.MEMORISED),
                member(2, 10, 1e-3, 3, Outcome.GROKKED),
                member(3, 100, 1e-3, 1, Outcome.MISGROKKED),
                member(4, 100, 1e-3, 2, Outcome.MISGROKKED),
                member(5, 100, 1e-3, 3, Outcome.MISGROKKED));
        var g = PhaseDiagram.of(report(List.of(alpha, wd), ms), "alpha", "weightDecay", Map.of());
        assertEquals(2, g.cells().size());
        var first = g.cells().get(0);
        assertEquals(Outcome.GROKKED, first.majority());
        assertEquals("2/3 grokked", first.spread());
        assertTrue(first.mixed());
        assertEquals("compare?runs=run0,run1,run2", first.href());
        var second = g.cells().get(1);
        assertEquals("3/3 misgrokked", second.spread());
        assertFalse(second.mixed());
        JsonNode doc = Configs.JSON.valueToTree(
                PhaseDiagram.document(g, OutcomeMetric.atLeast("train_acc", "test_acc", 0.95)));
        assertEquals("grokked", doc.at("/cells/0/outcome").asText());
        assertEquals(
                OutcomeColours.of(Outcome.GROKKED), doc.at("/cells/0/colour").asText());
        assertEquals(
                OutcomeColours.of(Outcome.MEMORISED),
                doc.at("/cells/0/stripes/1").asText());
        assertEquals(
                "α = 10, λ = 0.001: 2/3 grokked (1 memorised)",
                doc.at("/cells/0/title").asText());
        assertEquals("λ", doc.at("/y/label").asText());
        assertEquals("100", doc.at("/x/values/1").asText());
    }

    @Test
    void aTieGoesToTheFirstDeclaredOutcomeAndAOneAxisSweepHasOneRow() {
        Axis alpha = new Axis("alpha", List.of(10.0), false);
        List<Member> ms = List.of(member(0, 10, 1e-3, 1, Outcome.COLLAPSED), member(1, 10, 1e-3, 2, Outcome.GROKKED));
        var g = PhaseDiagram.of(report(List.of(alpha), ms), "alpha", null, Map.of());
        assertNull(g.y());
        assertEquals(Outcome.GROKKED, g.cells().get(0).majority()); // GROKKED is declared before COLLAPSED
        assertEquals(0, g.cells().get(0).row());
    }

    @Test
    void aThirdAxisIsHeldAtTheChosenValue() {
        List<Axis> axes = List.of(
                new Axis("alpha", List.of(10.0), false),
                new Axis("weightDecay", List.of(1e-3), false),
                new Axis("lr", List.of(0.1, 0.2), false));
        Member a = new Member(
                0, "ra", Map.of("alpha", 10.0, "weightDecay", 1e-3, "lr", 0.1), 1, "FINISHED", 1, null, Map.of());
        Member b = new Member(
                1, "rb", Map.of("alpha", 10.0, "weightDecay", 1e-3, "lr", 0.2), 1, "FINISHED", 1, null, Map.of());
        var r = report(axes, List.of(a, b));
        assertEquals(
                "run/ra",
                PhaseDiagram.of(r, "alpha", "weightDecay", Map.of())
                        .cells()
                        .get(0)
                        .href());
        assertEquals(
                "run/rb",
                PhaseDiagram.of(r, "alpha", "weightDecay", Map.of("lr", 0.2))
                        .cells()
                        .get(0)
                        .href());
        assertEquals(
                Outcome.NOT_FINISHED,
                PhaseDiagram.of(r, "alpha", "weightDecay", Map.of())
                        .cells()
                        .get(0)
                        .majority());
    }

    @Test
    void everyOutcomeHasItsOwnColourAndALegendEntry() {
        Set<String> colours = new HashSet<>();
        for (Outcome o : Outcome.values()) assertTrue(colours.add(OutcomeColours.of(o)), o + " shares a colour");
        var legend = OutcomeColours.legend();
        assertEquals(Outcome.values().length, legend.size());
        assertEquals("grokked", legend.get(Outcome.GROKKED.ordinal()).get("key"));
        assertEquals(
                OutcomeColours.of(Outcome.GROKKED),
                legend.get(Outcome.GROKKED.ordinal()).get("colour"));
    }

    // ---- the law view

    @Test
    void theLawPlotsScaledTimeAgainstLnAlphaAndTheFitLine() {
        var pts = List.of(
                new LawPlot.Point(Math.E, 0.01, 0.1, 2000, Outcome.GROKKED), // λη·k* = 2, ln α = 1
                new LawPlot.Point(Math.exp(2), 0.01, 0.1, 3000, Outcome.GROKKED),
                new LawPlot.Point(1, 0.01, 0.1, 3000, Outcome.GROKKED)); // α = 1: no kernel phase, not plotted
        LawFit fit = new LawFit(2, 1, 1, 1, 0.9, 1.1, 0.5, 1.5);
        JsonNode doc = Configs.JSON.valueToTree(LawPlot.document(pts, fit));
        JsonNode law = doc.at("/charts/0"), raw = doc.at("/charts/1");
        assertEquals(1, law.at("/groups").size());
        assertEquals(1.0, law.at("/groups/0/x/0").asDouble(), 1e-12);
        assertEquals(2.0, law.at("/groups/0/y/0").asDouble(), 1e-12);
        assertEquals(2, law.at("/groups/0/x").size());
        assertEquals(
                OutcomeColours.of(Outcome.GROKKED), law.at("/groups/0/colour").asText());
        assertEquals(2.0, law.at("/lines/0/y/0").asDouble(), 1e-12); // slope 1·1 + 1
        assertEquals(3.0, law.at("/lines/0/y/1").asDouble(), 1e-12);
        assertEquals(1000.0, raw.at("/groups/0/x/0").asDouble(), 1e-9); // ln e / (0.001)
        assertEquals(2000.0, raw.at("/groups/0/y/0").asDouble(), 0);
        assertTrue(raw.get("xlog").asBoolean());
    }

    @Test
    void theLawIsWordedWithItsIntervalAndThePrediction() {
        LawFit fit = new LawFit(15, 1.0234, -2.1, 0.9712, 0.95, 1.09, -2.5, -1.7);
        assertEquals(
                "slope 1.02 [0.950, 1.09], c = 2.10 [1.70, 2.50], R² = 0.971 over 15 grokked runs (95 % intervals);"
                        + " the law predicts slope 1",
                SweepText.law(fit));
        assertTrue(SweepText.law(null).startsWith("No fit yet"));
    }

    @Test
    void numbersAndProgressReadAsTyped() {
        assertEquals("10", SweepText.number(10));
        assertEquals("0.001", SweepText.number(1e-3));
        assertEquals("0.0025", SweepText.number(2.5e-3));
        assertEquals("3e-05", SweepText.number(3e-5));
        assertEquals("1.5e+06", SweepText.number(1.5e6));
        assertEquals(
                "2 / 3 members ended: 1 grokked, 1 collapsed",
                SweepText.progress(2, 3, Map.of(Outcome.GROKKED, 1, Outcome.COLLAPSED, 1, Outcome.MEMORISED, 0)));
    }
}
