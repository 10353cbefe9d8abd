package lab.grokking.web.configure;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasHelper;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.select.Select;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The configure form's inputs, hints and parsing agree with the server's validation, for every registered task. */
class FormTest {
    static Stream<String> tasks() {
        return TaskSpecs.all().stream().map(TaskSpec::name);
    }

    /** One input per field of the task, with the task's defaults. */
    static Map<String, Component> inputs(TaskSpec<?> spec) {
        ObjectNode defaults = Configs.defaults(spec.name());
        Map<String, Component> inputs = new LinkedHashMap<>();
        for (FieldSpec f : spec.fields()) inputs.put(f.key(), ConfigureView.input(f, defaults.get(f.key())));
        return inputs;
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void everyFormFieldIsAConfigField(String task) {
        ObjectNode defaults = Configs.defaults(task);
        List<FieldSpec> fields = TaskSpecs.get(task).fields();
        for (FieldSpec f : fields) assertTrue(defaults.has(f.key()), task + "." + f.key());
        assertEquals(defaults.size() - 1, fields.size(), "every config field but task has an input");
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void theRangeHintIsTheOneTheServerEnforces(String task) {
        TaskSpec<?> spec = TaskSpecs.get(task);
        ObjectNode defaults = Configs.defaults(task);
        int numeric = 0;
        for (FieldSpec f : spec.fields()) {
            Component c = ConfigureView.input(f, defaults.get(f.key()));
            String hint = ((HasHelper) c).getHelperText();
            if (!f.numeric()) {
                assertFalse(hint.contains("range"), f.key() + ": " + hint);
                continue;
            }
            numeric++;
            assertEquals(f.meaning() + " · range " + f.range(), hint, f.key());
            if (!f.applies(defaults)) continue;
            // just outside the stated range: the server's message states the same range
            ObjectNode doc = defaults.deepCopy();
            if (f.type() == FieldSpec.Type.INTEGER) doc.put(f.key(), (long) f.min() - 1);
            else doc.put(f.key(), f.minExclusive() ? f.min() : f.min() - 1);
            ConfigException e = assertThrows(ConfigException.class, () -> Configs.parse(doc), task + "." + f.key());
            assertTrue(
                    e.problems().stream()
                            .anyMatch(p ->
                                    p.field().equals(f.key()) && p.message().contains("must be in " + f.range())),
                    task + "." + f.key() + ": " + e.getMessage());
        }
        assertTrue(numeric > 0, task + " has numeric fields");
    }

    @Test
    void rangesReadFromTheSpec() {
        FieldSpec n = FieldSpec.integer("n", "n", "", "", 1, 2048),
                alpha = FieldSpec.number("alpha", "α", "", "", 0, true, 1e6);
        assertEquals("[1, 2048]", n.range());
        assertEquals("(0.0, 1000000.0]", alpha.range());
        assertEquals(
                "m · range [1, 2048]",
                ((HasHelper) ConfigureView.input(FieldSpec.integer("n", "n", "", "m", 1, 2048), null)).getHelperText());
    }

    /** k only for sparse data, γ only for Gaussian, the plain-step factor only for loss-normalised steps: whatever the specs declare. */
    @Test
    @SuppressWarnings("unchecked")
    void aChoiceShowsTheFieldsThatApplyToItAndHidesTheOthers() {
        int dependent = 0;
        for (TaskSpec<?> spec : TaskSpecs.all()) {
            ObjectNode defaults = Configs.defaults(spec.name());
            for (FieldSpec f : spec.fields()) {
                for (var when : f.appliesWhen().entrySet()) {
                    Map<String, Component> inputs = inputs(spec);
                    FieldSpec driver = spec.fields().stream()
                            .filter(g -> g.key().equals(when.getKey()))
                            .findFirst()
                            .orElseThrow();
                    List<String> values =
                            driver.type() == FieldSpec.Type.BOOLEAN ? List.of("true", "false") : driver.choices();
                    for (String value : values) {
                        switch (inputs.get(driver.key())) {
                            case Checkbox b -> b.setValue(Boolean.parseBoolean(value));
                            case Select<?> sel -> ((Select<String>) sel).setValue(value);
                            default -> fail(driver.key() + " is neither a choice nor a checkbox");
                        }
                        ConfigureView.showApplicable(spec, defaults, inputs);
                        boolean applies = when.getValue().contains(value);
                        String what = spec.name() + "." + f.key() + " with " + driver.key() + " = " + value;
                        assertEquals(applies, inputs.get(f.key()).isVisible(), what);
                        assertEquals(
                                applies,
                                ConfigureView.document(spec.name(), inputs).has(f.key()),
                                what + ": sent only when shown");
                        assertTrue(ConfigureView.document(spec.name(), inputs).has(driver.key()));
                    }
                    dependent++;
                }
            }
        }
        assertTrue(dependent > 0, "some field depends on another");
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void theDefaultFormIsAValidConfigOfItsTask(String task) {
        TaskSpec<?> spec = TaskSpecs.get(task);
        Map<String, Component> inputs = inputs(spec);
        ConfigureView.showApplicable(spec, Configs.defaults(task), inputs);
        ObjectNode doc = ConfigureView.document(task, inputs);
        assertEquals(
                Configs.canonical(spec.defaults()),
                Configs.canonical(Configs.parse(doc)),
                "the form round-trips the defaults");
    }

    @Test
    void numbersKeepIntegersExactAndLeaveGarbageForTheServerToName() {
        ObjectNode d = Configs.JSON.createObjectNode();
        Numbers.put(d, "steps", "1e5");
        Numbers.put(d, "lr", "0.25");
        Numbers.put(d, "seed", " 42 ");
        Numbers.put(d, "n", "12abc");
        Numbers.put(d, "k", "");
        assertTrue(d.get("steps").isIntegralNumber());
        assertEquals(100000, d.get("steps").asLong());
        assertEquals(0.25, d.get("lr").asDouble());
        assertEquals(42, d.get("seed").asLong());
        assertEquals("12abc", d.get("n").asText());
        assertTrue(d.get("k").isNull());
    }
}
