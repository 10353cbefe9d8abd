package lab.grokking.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import lab.grokking.core.config.Checks;

/**
 * One config field as every client sees it: key, label, unit, meaning, type, valid range (or choices) and when it
 * applies (e.g. {@code k} only for sparse data). Validation checks the range stated here; the form, the lab builder,
 * {@code GET /api/tasks} and the fuzz tests read it from here.
 *
 * @param min          lower bound (numbers and integers; NaN for other types)
 * @param minExclusive whether {@code min} itself is outside the range
 * @param max          upper bound (numbers and integers; NaN for other types)
 * @param choices      allowed values of a CHOICE field
 * @param appliesWhen  other field → values for which this field is used (empty: always); a field that does not apply
 *                     is neither validated nor shown
 */
public record FieldSpec(
        String key,
        String label,
        Type type,
        String unit,
        String meaning,
        double min,
        boolean minExclusive,
        double max,
        List<String> choices,
        Map<String, List<String>> appliesWhen) {
    public enum Type {
        INTEGER,
        NUMBER,
        BOOLEAN,
        CHOICE
    }

    public FieldSpec {
        choices = List.copyOf(choices);
        appliesWhen = Map.copyOf(appliesWhen);
        if ((type == Type.INTEGER || type == Type.NUMBER) && !(min <= max))
            throw new IllegalArgumentException(key + ": min must be ≤ max");
        if (type == Type.CHOICE && choices.isEmpty())
            throw new IllegalArgumentException(key + ": a choice needs choices");
    }

    public static FieldSpec integer(String key, String label, String unit, String meaning, long min, long max) {
        return new FieldSpec(key, label, Type.INTEGER, unit, meaning, min, false, max, List.of(), Map.of());
    }

    public static FieldSpec number(
            String key, String label, String unit, String meaning, double min, boolean minExclusive, double max) {
        return new FieldSpec(key, label, Type.NUMBER, unit, meaning, min, minExclusive, max, List.of(), Map.of());
    }

    public static FieldSpec bool(String key, String label, String meaning) {
        return new FieldSpec(key, label, Type.BOOLEAN, "", meaning, Double.NaN, false, Double.NaN, List.of(), Map.of());
    }

    public static FieldSpec choice(String key, String label, String meaning, String... choices) {
        return new FieldSpec(
                key, label, Type.CHOICE, "", meaning, Double.NaN, false, Double.NaN, List.of(choices), Map.of());
    }

    /** This field, used only when {@code field} has one of {@code values}. */
    public FieldSpec when(String field, String... values) {
        return new FieldSpec(
                key, label, type, unit, meaning, min, minExclusive, max, choices, Map.of(field, List.of(values)));
    }

    public boolean numeric() {
        return type == Type.INTEGER || type == Type.NUMBER;
    }

    /** Whether the field is used in this config document. */
    public boolean applies(JsonNode config) {
        for (var e : appliesWhen.entrySet())
            if (!e.getValue().contains(config.path(e.getKey()).asText())) return false;
        return true;
    }

    /** The range as the error messages and the form state it, e.g. "[1, 2048]" or "(0.0, 100.0]"; null when not numeric. */
    public String range() {
        if (!numeric()) return null;
        if (type == Type.INTEGER) return "[" + (long) min + ", " + (long) max + "]";
        return (minExclusive ? "(" : "[") + min + ", " + max + "]";
    }

    /** Adds this field's problem with {@code value} (a config's JSON value), if any. */
    public void check(Checks c, JsonNode value) {
        switch (type) {
            case INTEGER -> c.range(key, value.asLong(), (long) min, (long) max);
            case NUMBER -> c.range(key, value.asDouble(), min, minExclusive, max);
            case CHOICE -> {
                if (!choices.contains(value.asText()) || !value.isTextual())
                    c.fail(
                            key,
                            "must be "
                                    + String.join(
                                            " or ",
                                            choices.stream()
                                                    .map(s -> "'" + s + "'")
                                                    .toList()) + ", got "
                                    + (value.isNull() ? "null" : "'" + value.asText() + "'"));
            }
            case BOOLEAN -> {} // the parser has checked the type
        }
    }
}
