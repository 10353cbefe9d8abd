package lab.grokking.server.sweeps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import lab.grokking.core.MetricTable;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;

/**
 * A sweep request as a plan: a base config × axes × seeds, expanded into members in grid order (axes in order, the
 * last varying fastest, then the seeds fastest), every member's config checked against the task's fields and this
 * server's limits. The plan's {@link Plan#doc()} is what the store keeps; {@link #fromDoc} expands it again.
 *
 * <p>An axis is a list of numbers ({@code [10, 30, 100]}) or a range ({@code {"from", "to", "count", "scale": "linear"
 * | "log"}}); range values are rounded to {@link #DIGITS} significant digits (integers for an integer field), so
 * 10..1000 in 3 log steps is exactly 10, 100, 1000. An axis is shown on a log scale when it is a log range, or a list
 * of positive values spanning more than {@link #LOG_SPAN} (max/min).
 */
public final class SweepGrid {
    /** Significant digits of range values. */
    static final int DIGITS = 10;

    /** A list axis whose positive values span more than this ratio is shown on a log scale. */
    static final double LOG_SPAN = 10;

    /** The setting that caps members per sweep. */
    public static final String MEMBERS_LIMIT = "limits.sweepMembers";

    private static final List<String> FIELDS = List.of("title", "preset", "base", "axes", "seeds");
    private static final int MAX_TITLE = 200;

    private SweepGrid() {}

    /** One member of the plan: its axis values, its seed and its config. */
    public record Planned(int index, Map<String, Double> fields, long seed, RunConfig config) {
        /** E.g. "alpha=10, weightDecay=0.001, seed 2". */
        public String describe() {
            StringBuilder b = new StringBuilder();
            fields.forEach((k, v) -> b.append(k).append('=').append(plain(v)).append(", "));
            return b.append("seed ").append(seed).toString();
        }
    }

    /** A checked sweep: {@code base} is the full base config document (the task's defaults overlaid). */
    public record Plan(
            String title,
            String task,
            ObjectNode base,
            List<SweepReport.Axis> axes,
            List<Long> seeds,
            List<Planned> members) {
        /** What the store keeps: title, task, base, axes, seeds. */
        public ObjectNode doc() {
            ObjectNode d = Configs.JSON.createObjectNode();
            d.put("title", title);
            d.put("task", task);
            d.set("base", base);
            var axesNode = d.putArray("axes");
            for (SweepReport.Axis a : axes) {
                ObjectNode n = axesNode.addObject();
                n.put("field", a.field());
                var values = n.putArray("values");
                a.values().forEach(values::add);
                n.put("log", a.log());
            }
            var seedsNode = d.putArray("seeds");
            seeds.forEach(seedsNode::add);
            return d;
        }
    }

    /**
     * A request body ({@code {"sweep": presetId}} or {@code {title, preset | base, axes, seeds}}) checked in full:
     * every member within {@code limits}, at most {@code maxMembers} members. Throws {@link ConfigException} naming
     * {@code axes.<field>}, {@code seeds}, {@code members} or {@code base.<field>}.
     */
    public static Plan parse(ObjectNode body, Limits limits, int maxMembers) {
        if (body.has("sweep")) {
            for (var it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("sweep"))
                    throw new ConfigException(f, "unknown field beside \"sweep\"; a sweep preset is posted alone");
            }
            JsonNode id = body.get("sweep");
            if (!id.isTextual()) throw new ConfigException("sweep", "must be a sweep preset id string");
            return parse(SweepPresets.request(id.asText()), limits, maxMembers);
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f))
                throw new ConfigException(f, "unknown field; allowed: " + String.join(", ", FIELDS) + " (or sweep)");
        }
        ObjectNode base = base(body);
        TaskSpec<?> spec = TaskSpecs.get(base.get("task").asText());
        List<SweepReport.Axis> axes = axes(body.get("axes"), spec, base, maxMembers);
        boolean seedsGiven = body.has("seeds");
        List<Long> seeds = seedsGiven
                ? seeds(body.get("seeds"), maxMembers)
                : List.of(base.path("seed").asLong());
        long count = seeds.size();
        for (SweepReport.Axis a : axes) count = Math.min(count * a.values().size(), Integer.MAX_VALUE);
        if (count > maxMembers)
            throw new ConfigException(
                    "members",
                    "the grid has " + count + " members (" + shape(axes, seeds) + "), above the limit of " + maxMembers
                            + " per sweep (" + MEMBERS_LIMIT + ")");
        JsonNode title = body.get("title");
        if (title != null
                && (!title.isTextual()
                        || title.asText().isBlank()
                        || title.asText().length() > MAX_TITLE))
            throw new ConfigException("title", "must be a non-empty string of at most " + MAX_TITLE + " characters");
        String t = title != null ? title.asText().strip() : spec.title() + " sweep: " + shape(axes, seeds);
        return expand(t, spec, base, axes, seeds, seedsGiven, limits);
    }

    /** A stored plan expanded again (no limits: it was checked when it was posted). */
    public static Plan fromDoc(ObjectNode doc) {
        ObjectNode base = (ObjectNode) doc.get("base");
        TaskSpec<?> spec = TaskSpecs.get(doc.get("task").asText());
        List<SweepReport.Axis> axes = new ArrayList<>();
        for (JsonNode a : doc.get("axes")) {
            List<Double> values = new ArrayList<>();
            for (JsonNode v : a.get("values")) values.add(v.asDouble());
            axes.add(new SweepReport.Axis(
                    a.get("field").asText(), values, a.get("log").asBoolean()));
        }
        List<Long> seeds = new ArrayList<>();
        for (JsonNode s : doc.get("seeds")) seeds.add(s.asLong());
        return expand(doc.get("title").asText(), spec, base, axes, seeds, true, null);
    }

    private static ObjectNode base(ObjectNode body) {
        JsonNode preset = body.get("preset"), base = body.get("base");
        if ((preset == null) == (base == null))
            throw new ConfigException(
                    "base",
                    "give exactly one of \"preset\" (a preset id, see GET /api/presets) and \"base\" (a run config;"
                            + " fields missing take the task's defaults)");
        ObjectNode doc;
        if (preset != null) {
            if (!preset.isTextual())
                throw new ConfigException("preset", "must be a preset id string; see GET /api/presets");
            doc = Presets.all().stream()
                    .filter(p -> p.id().equals(preset.asText()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(
                            "preset",
                            "unknown preset '" + TaskSpecs.abbreviate(preset.asText()) + "'; see GET /api/presets"))
                    .config();
        } else {
            if (!base.isObject()) throw new ConfigException("base", "must be a JSON object: a run config");
            doc = (ObjectNode) base;
            if (!doc.path("task").isTextual())
                throw new ConfigException("base.task", "required, one of " + TaskSpecs.names());
        }
        return Configs.merge(Configs.defaults(doc.get("task").asText()), doc);
    }

    private static List<SweepReport.Axis> axes(JsonNode node, TaskSpec<?> spec, ObjectNode base, int maxMembers) {
        if (node == null) return List.of();
        if (!node.isObject())
            throw new ConfigException("axes", "must be an object: field → list of values or {from, to, count, scale}");
        List<SweepReport.Axis> out = new ArrayList<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            String key = e.getKey(), where = "axes." + key;
            if (key.equals("seed")) throw new ConfigException(where, "the seed is not an axis: use \"seeds\"");
            FieldSpec f = spec.fields().stream()
                    .filter(x -> x.key().equals(key))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(
                            where,
                            "unknown field of task " + spec.name() + "; numeric fields: " + numericFields(spec)));
            if (!f.numeric())
                throw new ConfigException(
                        where,
                        "not a numeric field (" + f.type().name().toLowerCase(Locale.ROOT)
                                + "); an axis varies a number: " + numericFields(spec));
            if (!f.applies(base))
                throw new ConfigException(where, "does not apply to this config (only when " + f.appliesWhen() + ")");
            out.add(axis(where, f, e.getValue(), maxMembers));
        }
        return out;
    }

    private static String numericFields(TaskSpec<?> spec) {
        return String.join(
                ", ",
                spec.fields().stream()
                        .filter(f -> f.numeric() && !f.key().equals("seed"))
                        .map(FieldSpec::key)
                        .toList());
    }

    private static SweepReport.Axis axis(String where, FieldSpec f, JsonNode v, int maxMembers) {
        boolean integer = f.type() == FieldSpec.Type.INTEGER;
        List<Double> values = new ArrayList<>();
        boolean log;
        if (v.isArray()) {
            if (v.isEmpty()) throw new ConfigException(where, "empty; give at least one value");
            if (v.size() > maxMembers)
                throw new ConfigException(
                        where, v.size() + " values, above the limit of " + maxMembers + " (" + MEMBERS_LIMIT + ")");
            for (int i = 0; i < v.size(); i++) {
                JsonNode x = v.get(i);
                if (!x.isNumber()) throw new ConfigException(where + "[" + i + "]", "expected a number, got " + x);
                double d = x.asDouble();
                if (integer && (d != Math.rint(d) || !x.canConvertToLong()))
                    throw new ConfigException(
                            where + "[" + i + "]", f.key() + " is an integer field, got " + x.asText());
                values.add(d);
            }
            double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            log = min > 0 && max / min > LOG_SPAN;
        } else if (v.isObject()) {
            for (var it = v.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!List.of("from", "to", "count", "scale").contains(k))
                    throw new ConfigException(where + "." + k, "unknown key; a range has from, to, count, scale");
            }
            double from = number(where + ".from", v.get("from")), to = number(where + ".to", v.get("to"));
            JsonNode c = v.get("count");
            if (c == null || !c.isIntegralNumber())
                throw new ConfigException(where + ".count", "required: an integer ≥ 1");
            long count = c.asLong();
            if (count < 1 || count > maxMembers)
                throw new ConfigException(
                        where + ".count",
                        "must be in [1, " + maxMembers + "] (" + MEMBERS_LIMIT + "), got " + c.asText());
            JsonNode s = v.get("scale");
            String scale = s == null ? "linear" : s.asText();
            if (s != null && !s.isTextual() || !scale.equals("linear") && !scale.equals("log"))
                throw new ConfigException(where + ".scale", "must be 'linear' or 'log', got " + s);
            log = scale.equals("log");
            if (log && (from <= 0 || to <= 0))
                throw new ConfigException(
                        where + ".from",
                        "a log scale needs from > 0 and to > 0, got from " + plain(from) + ", to " + plain(to));
            for (long i = 0; i < count; i++) {
                double t = count == 1 ? 0 : (double) i / (count - 1);
                double x = log ? from * StrictMath.exp(t * StrictMath.log(to / from)) : from + t * (to - from);
                x = integer ? Math.rint(x) : round(x);
                values.add(x);
            }
        } else
            throw new ConfigException(
                    where, "expected a list of values or {\"from\", \"to\", \"count\", \"scale\"}, got " + v);
        Set<Double> seen = new HashSet<>();
        for (double x : values)
            if (!seen.add(x))
                throw new ConfigException(
                        where,
                        "value " + plain(x) + " appears twice" + (integer ? " (after rounding)" : "")
                                + "; each value once");
        return new SweepReport.Axis(f.key(), List.copyOf(values), log);
    }

    private static double number(String where, JsonNode n) {
        if (n == null || !n.isNumber()) throw new ConfigException(where, "required: a number");
        return n.asDouble();
    }

    private static List<Long> seeds(JsonNode node, int maxMembers) {
        List<Long> out = new ArrayList<>();
        if (node.isObject()) {
            for (var it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("count"))
                    throw new ConfigException("seeds." + k, "unknown key; {\"count\": k} means seeds 1..k");
            }
            JsonNode c = node.get("count");
            if (c == null || !c.isIntegralNumber() || c.asLong() < 1 || c.asLong() > maxMembers)
                throw new ConfigException(
                        "seeds.count",
                        "must be an integer in [1, " + maxMembers + "] (" + MEMBERS_LIMIT + "), got " + c);
            for (long s = 1; s <= c.asLong(); s++) out.add(s);
            return out;
        }
        if (!node.isArray())
            throw new ConfigException("seeds", "expected a list of seeds or {\"count\": k}, got " + node);
        if (node.isEmpty()) throw new ConfigException("seeds", "empty; give at least one seed");
        if (node.size() > maxMembers)
            throw new ConfigException(
                    "seeds", node.size() + " seeds, above the limit of " + maxMembers + " (" + MEMBERS_LIMIT + ")");
        Set<Long> seen = new TreeSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isIntegralNumber() || !s.canConvertToLong())
                throw new ConfigException("seeds[" + i + "]", "expected an integer seed, got " + s);
            if (!seen.add(s.asLong()))
                throw new ConfigException("seeds", "seed " + s.asLong() + " appears twice; each seed once");
            out.add(s.asLong());
        }
        return out;
    }

    /** E.g. "alpha 5 × weightDecay 3 × 3 seeds". */
    private static String shape(List<SweepReport.Axis> axes, List<Long> seeds) {
        StringBuilder b = new StringBuilder();
        for (SweepReport.Axis a : axes)
            b.append(a.field()).append(' ').append(a.values().size()).append(" × ");
        return b.append(seeds.size())
                .append(seeds.size() == 1 ? " seed" : " seeds")
                .toString();
    }

    private static Plan expand(
            String title,
            TaskSpec<?> spec,
            ObjectNode base,
            List<SweepReport.Axis> axes,
            List<Long> seeds,
            boolean seedsGiven,
            Limits limits) {
        int total = seeds.size();
        for (SweepReport.Axis a : axes) total *= a.values().size();
        Map<String, FieldSpec.Type> types = new LinkedHashMap<>();
        for (FieldSpec f : spec.fields()) types.put(f.key(), f.type());
        List<Planned> members = new ArrayList<>(total);
        int[] at = new int[axes.size()];
        for (int index = 0; index < total; index++) {
            int rest = index / seeds.size();
            for (int a = axes.size() - 1; a >= 0; a--) {
                at[a] = rest % axes.get(a).values().size();
                rest /= axes.get(a).values().size();
            }
            long seed = seeds.get(index % seeds.size());
            ObjectNode doc = base.deepCopy();
            Map<String, Double> fields = new LinkedHashMap<>();
            for (int a = 0; a < axes.size(); a++) {
                String key = axes.get(a).field();
                double v = axes.get(a).values().get(at[a]);
                fields.put(key, v);
                if (types.get(key) == FieldSpec.Type.INTEGER) doc.put(key, (long) v);
                else doc.put(key, v);
            }
            doc.put("seed", seed);
            Planned p = new Planned(index, fields, seed, null);
            RunConfig rc;
            try {
                rc = Configs.parse(doc);
                if (limits != null) rc.validate(limits);
            } catch (ConfigException e) {
                throw new ConfigException(e.problems().stream()
                        .map(x -> new ConfigException.Problem(
                                fields.containsKey(x.field())
                                        ? "axes." + x.field()
                                        : x.field().equals("seed") && seedsGiven ? "seeds" : "base." + x.field(),
                                "member " + p.index() + " (" + p.describe() + "): " + x.message()))
                        .toList());
            }
            members.add(new Planned(index, Collections.unmodifiableMap(fields), seed, rc));
        }
        return new Plan(title, spec.name(), base, List.copyOf(axes), List.copyOf(seeds), List.copyOf(members));
    }

    private static double round(double x) {
        return x == 0 || !Double.isFinite(x)
                ? x
                : new BigDecimal(x).round(new MathContext(DIGITS)).doubleValue();
    }

    /** A number as written: 10, 0.001, 31.6227766. */
    static String plain(double v) {
        return MetricTable.format(v);
    }
}
