package lab.grokking.server.labs;

import java.util.Map;

/**
 * A classroom lab: a preset, instructions, and per-field rules. Fields without a rule are locked at the
 * preset's value; hidden fields are locked and never shown to students.
 */
public record Lab(String id, String preset, String title, String instructions, Map<String, Rule> rules) {
    public enum Mode {
        EDITABLE,
        LOCKED,
        HIDDEN
    }

    /** min/max bound an editable number (null: only the server's own limits). */
    public record Rule(Mode mode, Double min, Double max) {}

    public Rule rule(String field) {
        return rules.getOrDefault(field, new Rule(Mode.LOCKED, null, null));
    }
}
