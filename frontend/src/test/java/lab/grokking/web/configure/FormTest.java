package lab.grokking.web.configure;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The configure form's hints and parsing agree with the server's validation. */
class FormTest {
    @Test
    void rangesAreTheServersOwn() {
        assertEquals("[1, 2048]", Ranges.of("diag").get("n"));
        assertEquals("(0.0, 1000000.0]", Ranges.of("diag").get("alpha"));
        assertEquals("[2, 256]", Ranges.of("mc").get("d"));
        assertEquals("[1, 1000000000]", Ranges.of("mc").get("steps"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"diag", "mc", "modadd"})
    void everyFormFieldIsAConfigField(String task) {
        ObjectNode defaults = Tasks.defaults(task);
        for (Fields.Field f : Fields.of(task)) assertTrue(defaults.has(f.name()), task + "." + f.name());
        assertEquals(defaults.size() - 1, Fields.of(task).size(), "every config field but task has an input");
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
