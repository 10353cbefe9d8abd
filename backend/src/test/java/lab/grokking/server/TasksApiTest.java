package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/tasks states each field's range as the validation enforces it, for every registered task. */
class TasksApiTest {
    @Test
    void everyTaskIsListedWithFieldsWhoseRangesTheServerEnforces(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode tasks = s.get("/api/tasks").json();
            List<String> names = new ArrayList<>();
            tasks.forEach(t -> names.add(t.get("name").asText()));
            assertEquals(TaskSpecs.all().stream().map(TaskSpec::name).toList(), names);
            assertTrue(s.get("/api/openapi.json")
                    .json()
                    .at("/components/schemas/Config/properties/task/enum")
                    .toString()
                    .contains("\"" + names.getFirst() + "\""));
            for (JsonNode t : tasks) {
                String task = t.get("name").asText();
                assertEquals(
                        t.get("fields").size() + 1,
                        Configs.defaults(task).size(),
                        task + ": every config field but task is declared");
                for (JsonNode f : t.get("fields")) {
                    if (!f.has("range")) continue;
                    // the task's defaults with this field made applicable and set just below its minimum
                    ObjectNode doc = Configs.defaults(task);
                    f.get("applies_when")
                            .fields()
                            .forEachRemaining(e -> doc.set(
                                    e.getKey(),
                                    typed(
                                            doc.get(e.getKey()),
                                            e.getValue().get(0).asText())));
                    boolean integer = f.get("type").asText().equals("integer");
                    if (integer) doc.put(f.get("key").asText(), f.get("min").asLong() - 1);
                    else
                        doc.put(
                                f.get("key").asText(),
                                f.get("min_exclusive").asBoolean()
                                        ? f.get("min").asDouble()
                                        : Math.nextDown(f.get("min").asDouble()));
                    TestServer.Response r = s.post("/api/runs", doc.toString());
                    assertEquals(422, r.status(), task + "." + f.get("key").asText() + ": " + r.body());
                    assertTrue(
                            r.body().contains(f.get("key").asText())
                                    && r.body()
                                            .contains("must be in "
                                                    + f.get("range").asText()),
                            r.body());
                }
            }
            assertEquals(404, s.get("/api/tasks/nothing").status());
        }
    }

    @Test
    void aFieldThatDoesNotApplyIsNotValidated() {
        for (TaskSpec<?> spec : TaskSpecs.all())
            for (FieldSpec f : spec.fields()) {
                if (f.appliesWhen().isEmpty() || !f.numeric()) continue;
                ObjectNode doc = Configs.defaults(spec.name());
                var rule = f.appliesWhen().entrySet().iterator().next();
                String other = otherValue(spec, rule.getKey(), rule.getValue());
                if (other == null) continue;
                doc.set(rule.getKey(), typed(doc.get(rule.getKey()), other));
                if (f.type() == FieldSpec.Type.INTEGER) doc.put(f.key(), (long) f.max() + 1);
                else doc.put(f.key(), f.max() * 2 + 1);
                Configs.parse(doc); // no exception: the field is unused by this config
            }
    }

    private static String otherValue(TaskSpec<?> spec, String field, List<String> applying) {
        FieldSpec f = spec.fields().stream()
                .filter(x -> x.key().equals(field))
                .findFirst()
                .orElseThrow();
        List<String> all = f.type() == FieldSpec.Type.BOOLEAN ? List.of("true", "false") : f.choices();
        return all.stream().filter(v -> !applying.contains(v)).findFirst().orElse(null);
    }

    private static JsonNode typed(JsonNode like, String value) {
        return like.isBoolean()
                ? Configs.JSON.getNodeFactory().booleanNode(Boolean.parseBoolean(value))
                : Configs.JSON.getNodeFactory().textNode(value);
    }
}
