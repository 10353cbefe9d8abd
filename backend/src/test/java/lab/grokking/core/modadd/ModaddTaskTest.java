package lab.grokking.core.modadd;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Recorder;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.Presets;
import lab.grokking.core.task.Estimates;
import lab.grokking.core.task.SpecTask;
import org.junit.jupiter.api.Test;

/** Modular addition at reduced scale: checkpoints, the loss-normalised variant, configs and presets. */
class ModaddTaskTest {
    static ModaddConfig config(String fields) {
        return (ModaddConfig) Configs.parse("{\"task\":\"modadd\"," + fields + "}");
    }

    @Test
    void resumingFromACheckpointReproducesTheRestOfTheRunBitForBit() {
        ModaddConfig cfg = config(
                "\"p\":13,\"trainFraction\":0.5,\"width\":32,\"lr\":0.1,\"weightDecay\":0.001,\"steps\":5000,\"evalPerDecade\":20,\"seed\":4");
        Recorder full = new Recorder(true);
        cfg.newTask().run(full);
        Checkpoint mid = full.checkpoints.get(full.checkpoints.size() / 2);
        assertTrue(mid.step() > 0 && mid.step() < cfg.steps());
        Recorder resumed = new Recorder(false);
        RunResult r = cfg.newTask().run(resumed, mid);
        assertEquals(RunStatus.FINISHED, r.status());
        List<double[]> expected = full.rowsAfter(mid.step());
        assertEquals(expected.size(), resumed.rows.size(), "every row after the checkpoint, none before");
        for (int i = 0; i < expected.size(); i++)
            assertArrayEquals(expected.get(i), resumed.rows.get(i), 0.0, "row " + i);
    }

    @Test
    void lossNormalisedRunResumesBitForBitAndItsTimeOutgrowsTheSteps() {
        ModaddConfig cfg = config(
                "\"p\":11,\"trainFraction\":0.6,\"width\":32,\"lr\":0.05,\"weightDecay\":0,\"lossNormalised\":true,\"steps\":3000,\"evalPerDecade\":20,\"seed\":2");
        Recorder full = new Recorder(true);
        RunResult r = cfg.newTask().run(full);
        MetricTable t = r.metrics();
        assertEquals(1.0, t.lastRow().get("train_acc"));
        // plain phase: t = 10η per step; then η/𝓛 per step, so log₁₀(1 + t) races ahead of the step count
        assertEquals(0.5, t.at("time", 1), 1e-12);
        double lnLoss = (double) t.lastRow().get("train_log_loss");
        assertTrue(lnLoss < -5, "ln 𝓛 = " + lnLoss);
        assertTrue(
                (double) t.lastRow().get("log10_time") > StrictMath.log10(0.1 * cfg.steps()) + 1,
                "t grows faster than 10η·k");
        assertFalse(
                Double.isFinite((double) r.summary().get("transition_step")),
                "no weight decay: no predicted transition");
        Checkpoint mid = full.checkpoints.get(full.checkpoints.size() / 2);
        Recorder resumed = new Recorder(false);
        cfg.newTask().run(resumed, mid);
        List<double[]> expected = full.rowsAfter(mid.step());
        assertEquals(expected.size(), resumed.rows.size());
        for (int i = 0; i < expected.size(); i++)
            assertArrayEquals(expected.get(i), resumed.rows.get(i), 0.0, "row " + i);
    }

    @Test
    void badFieldsAreNamedWithTheirLimits() {
        assertProblem("\"p\":1", "p");
        assertProblem("\"width\":0", "width");
        assertProblem("\"trainFraction\":1", "trainFraction");
        assertProblem("\"lossNormalised\":true", "weightDecay");
        assertProblem("\"steps\":100000000", "steps"); // the paper's 10⁸ steps exceed the default work limit
        assertProblem("\"p\":1024,\"width\":16384,\"steps\":1", "p, width");
        assertProblem("\"trainFraction\":0.00001,\"p\":10,\"steps\":1", "trainFraction");
    }

    private static void assertProblem(String fields, String field) {
        ConfigException e =
                assertThrows(ConfigException.class, () -> config(fields).validate(Limits.DEFAULT));
        assertTrue(e.problems().stream().anyMatch(pr -> pr.field().equals(field)), e.getMessage());
    }

    @Test
    void defaultsAreThePaperFig2aAndEveryPresetParses() throws Exception {
        ObjectNode paper = preset("fig2a-paper.json");
        assertEquals(
                ModaddConfig.DEFAULTS,
                Configs.JSON.treeToValue(
                        Configs.merge(Configs.defaults(ModaddSpec.NAME), (ObjectNode) paper.get("config")),
                        ModaddConfig.class));
        for (String fig : List.of("fig2a", "fig2b", "fig2c", "fig4")) {
            for (var p : Presets.series(fig, "classroom")) {
                ModaddConfig c = (ModaddConfig) Configs.parse(p.config());
                assertTrue(
                        Estimates.inMemory().seconds(c) < 90,
                        p.id() + " is a classroom run: " + Estimates.inMemory().seconds(c) + " s");
            }
            assertFalse(Presets.series(fig, "paper").isEmpty());
        }
        assertEquals(3, Presets.series("fig2b", "classroom").size());
        assertEquals(4, Presets.series("fig2c", "classroom").size());
    }

    static ObjectNode preset(String name) throws Exception {
        try (InputStream in = ModaddTaskTest.class.getResourceAsStream("/config/presets/" + name)) {
            assertNotNull(in, name + " on the classpath");
            return (ObjectNode) Configs.JSON.readTree(in);
        }
    }

    @Test
    void theEarlyPredictorMemorisesButDoesNotGeneralise() {
        RunResult r = config(
                        "\"p\":23,\"trainFraction\":0.4,\"width\":256,\"zeroLastLayer\":true,\"alpha\":10,\"steps\":1")
                .newTask()
                .run(RunListener.NONE);
        var early = (Map<?, ?>) ((Map<?, ?>) r.summary().get(SpecTask.TASK_KEY)).get("early_predictor");
        assertTrue(((Number) early.get("train_acc")).doubleValue() > 0.99, early.toString());
        assertTrue(((Number) early.get("test_acc")).doubleValue() < 0.1, early.toString());
    }
}
