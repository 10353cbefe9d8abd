package lab.grokking.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.core.task.Validation;

/**
 * Strict JSON for run configs: unknown fields, wrong types, NaN/Infinity, fractional integers and
 * deep nesting are rejected with the field's name. A config is a task's defaults overlaid by the
 * user's fields, so presets and overrides use the same merge.
 */
public final class Configs {
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(100_000)
                        .build());
        JSON.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        JSON.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }

    private Configs() {}

    /** Parses a full config document; the "task" field picks the task. */
    public static RunConfig parse(String json) {
        return parse(readObject(json, "config"));
    }

    public static RunConfig parse(ObjectNode doc) {
        JsonNode task = doc.get("task");
        if (task == null || !task.isTextual())
            throw new ConfigException("task", "required, one of " + TaskSpecs.names());
        TaskSpec<?> spec = TaskSpecs.get(task.asText());
        ObjectNode defaults = toTree(spec.defaults());
        ObjectNode merged = merge(defaults, doc);
        // a tree carries no field name into Jackson's int- and long-overflow errors, Jackson's type errors name its own
        // classes and settings, and it takes the strings "NaN" and "Infinity" for doubles (a field the rules then skip
        // kept
        // them: "gamma": "NaN" with sparse data was accepted); so types and integer ranges are checked here (found by
        // FuzzTest)
        defaults.fieldNames().forEachRemaining(f -> {
            JsonNode d = defaults.get(f), v = merged.get(f);
            String expected = d.isInt()
                    ? "int"
                    : d.isIntegralNumber() ? "long" : d.isNumber() ? "double" : d.isBoolean() ? "boolean" : "string";
            if (d.isNumber() && !v.isNumber()
                    || d.isBoolean() && !v.isBoolean()
                    || d.isTextual() && !v.isTextual() && !v.isNull())
                throw new ConfigException(f, "expected " + expected + ", got " + kind(v));
            if (d.isInt() && v.isIntegralNumber() && !v.canConvertToInt())
                throw new ConfigException(
                        f,
                        "expected int, got " + TaskSpecs.abbreviate(v.asText()) + " (beyond " + Integer.MAX_VALUE
                                + ")");
            if (d.isIntegralNumber() && v.isIntegralNumber() && !v.canConvertToLong())
                throw new ConfigException(
                        f,
                        "expected long, got " + TaskSpecs.abbreviate(v.asText()) + " (beyond " + Long.MAX_VALUE + ")");
        });
        RunConfig cfg;
        try {
            cfg = JSON.treeToValue(merged, spec.configType());
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IllegalArgumentException e) {
            throw e.getCause() instanceof JsonProcessingException j
                    ? translate(j)
                    : new ConfigException("config", e.getMessage());
        }
        Validation.fields(cfg); // the limits are the caller's: the server's configured ones, or the CLI's defaults
        return cfg;
    }

    /** a overlaid by b (objects merged field by field, everything else replaced); a is not modified. */
    public static ObjectNode merge(ObjectNode a, ObjectNode b) {
        ObjectNode out = a.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode old = out.get(e.getKey());
            out.set(
                    e.getKey(),
                    old instanceof ObjectNode o && e.getValue() instanceof ObjectNode n
                            ? merge(o, n)
                            : e.getValue().deepCopy());
        }
        return out;
    }

    public static ObjectNode readObject(String json, String what) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) throw new ConfigException(what, "must be a JSON object");
            return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            throw translate(e);
        }
    }

    public static ObjectNode toTree(RunConfig cfg) {
        return JSON.valueToTree(cfg);
    }

    /** A task's documented defaults as a config document. */
    public static ObjectNode defaults(String task) {
        return toTree(TaskSpecs.get(task).defaults());
    }

    /** Canonical JSON (sorted keys, no whitespace): the identity of a config for hashing. */
    public static String canonical(RunConfig cfg) {
        try {
            return JSON.writer()
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(JSON.convertValue(cfg, TreeMap.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kind(JsonNode v) {
        return v.isNull()
                ? "null"
                : v.isTextual()
                        ? "a string"
                        : v.isBoolean()
                                ? "a boolean"
                                : v.isArray() ? "an array" : v.isObject() ? "an object" : "a number";
    }

    private static ConfigException translate(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u)
            return new ConfigException(
                    path(u),
                    "unknown field; allowed: "
                            + u.getKnownPropertyIds().stream()
                                    .map(String::valueOf)
                                    .sorted()
                                    .collect(Collectors.joining(", ")));
        if (e instanceof InvalidFormatException f)
            return new ConfigException(
                    path(f), "expected " + f.getTargetType().getSimpleName() + ", got " + f.getValue());
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty())
            return new ConfigException(
                    path(m),
                    "expected "
                            + (m.getTargetType() == null
                                    ? "a different type"
                                    : m.getTargetType().getSimpleName()) + ": "
                            + clean(firstLine(m.getOriginalMessage())));
        if (e instanceof StreamConstraintsException)
            return new ConfigException("json", clean(firstLine(e.getOriginalMessage())) + location(e));
        String msg = clean(firstLine(e.getOriginalMessage()));
        if (msg.contains("NaN") || msg.contains("Infinity") || msg.contains("non-standard"))
            msg = "NaN and Infinity are not numbers in JSON: " + msg;
        return new ConfigException("json", msg + location(e));
    }

    private static String location(JsonProcessingException e) {
        boolean located = e.getLocation() != null && e.getLocation().getLineNr() > 0;
        return located
                ? " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")"
                : "";
    }

    /**
     * Jackson's message without Jackson: its messages name its classes and settings ({@code `StreamReadConstraints.getMaxNestingDepth()`},
     * {@code [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ...]}, {@code enable `JsonReadFeature...` to allow},
     * {@code (bound as `com.fasterxml...JsonNode`)}), which a client cannot act on and a server should not show (found by FuzzTest).
     */
    static String clean(String msg) {
        String s = msg.replaceAll("\\[Source: .*?; line: (\\d+), column: (\\d+)]", "line $1, column $2")
                .replaceAll(",? from `[^`]*`", "") // (32, from `StreamReadConstraints.getMaxNestingDepth()`)
                .replaceAll("\\s*\\(bound as `[^`]*`\\)", "") // (bound as `com.fasterxml.jackson.databind.JsonNode`)
                .replaceAll(
                        "[:;]\\s*(?:enable|not allowed as per|set) `[^`]*`[^()]*$",
                        "") // : enable `JsonReadFeature.X` to allow
                .replaceAll("`(?:[\\w$]+\\.)*([\\w$\\[\\]]+)`", "$1") // `java.lang.String` -> String
                .strip();
        // anything else that still names Java or Jackson internals is replaced as a whole
        if (s.isEmpty()
                || s.contains("`")
                || s.matches(
                        "(?s).*(Exception|Source:|REDACTED|Feature|Config|Constraints|JsonToken|com\\.fasterxml|java\\.).*"))
            return "malformed JSON";
        return s;
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String firstLine(String s) {
        if (s == null) return "malformed JSON";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    static {
        JSON.getFactory().disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
    }
}
