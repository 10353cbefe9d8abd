package lab.grokking.core.linreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.SpecTask;
import lab.grokking.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that a task is a plug-in: this package and its services entry are all there is of the fourth task, and it
 * validates, runs (grokking from the min-L2 to the min-L1 interpolator), and is served by the API with a live stream.
 */
class LinregPluginTest {
    private static final String PRESET = "{\"preset\": \"linreg-classroom\"}";

    @Test
    void itGroksFromTheMinL2ToTheMinL1Interpolator() {
        RunResult r = Configs.parse(Configs.JSON.createObjectNode().put("task", LinregSpec.NAME))
                .newTask()
                .run(RunListener.NONE);
        assertEquals(RunStatus.FINISHED, r.status(), r.message());
        Map<?, ?> task = (Map<?, ?>) r.summary().get(SpecTask.TASK_KEY);
        double early = ((Number) ((Map<?, ?>) task.get("early_predictor")).get("test_mse")).doubleValue();
        double late = ((Number) ((Map<?, ?>) task.get("late_predictor")).get("test_mse")).doubleValue();
        assertTrue(early > 1, "the min-L2 interpolator of 30 samples in d = 100 misses a 3-sparse w*: " + early);
        assertTrue(late < 1e-8, "the min-L1 interpolator recovers it: " + late);
        double transition = (double) r.summary().get("transition_step");
        double before = r.metrics().at("test_mse", (long) (transition / 10)),
                after = r.metrics().at("test_mse", Long.MAX_VALUE);
        assertEquals(
                early, before, 0.2 * early, "in the kernel regime the net's test MSE is the min-L2 interpolator's");
        assertTrue(after < 1e-2, "after ln(α)/(λη) ≈ " + (long) transition + " steps the net generalises: " + after);
        assertTrue(r.metrics().at("train_mse", (long) (transition / 10)) < 1e-6, "it fits the data long before");
    }

    @Test
    void servedByTheApiWithItsFieldsPresetAndALiveStream(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode task = s.get("/api/tasks/" + LinregSpec.NAME).json();
            assertEquals("Diagonal linear regression", task.get("title").asText());
            assertEquals(
                    "[1, 200]", task.get("fields").findValues("range").get(1).asText(), task.toString());
            assertTrue(s.get("/api/presets").body().contains("\"linreg-classroom\""));
            TestServer.Response bad = s.post("/api/runs", "{\"task\": \"linreg\", \"n\": 500, \"k\": 0}");
            assertEquals(422, bad.status(), bad.body());
            assertEquals(
                    List.of("n", "k"),
                    bad.json().get("problems").findValues("field").stream()
                            .map(JsonNode::asText)
                            .toList());
            assertTrue(bad.body().contains("must be in [1, 200], got 500"), bad.body());

            String id = s.start(PRESET);
            TestServer.Viewer v = s.view(id, "", true);
            List<JsonNode> msgs = v.untilStatus(120);
            assertEquals(LinregSpec.COLUMNS, toList(msgs.getFirst().get("columns")));
            assertEquals(
                    "FINISHED",
                    msgs.getLast().get("status").asText(),
                    msgs.getLast().toString());
            JsonNode run = s.get("/api/runs/" + id).json();
            assertTrue(run.get("summary").get("final").get("test_mse").asDouble() < 1e-2, run.toString());
            assertEquals("scalar-double", run.get("provenance").get("kernels").asText());
            assertTrue(s.get("/api/runs/" + id + "/snapshots").body().contains("\"late\""));
        }
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
