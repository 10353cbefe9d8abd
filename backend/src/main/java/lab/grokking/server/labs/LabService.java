package lab.grokking.server.labs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lab.grokking.core.config.Checks;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.server.Clients;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;

/**
 * Creates classroom labs and starts students' runs under their rules. The rules are enforced here, on the
 * server, for every request: a field that is not editable, or a value outside the lab's range, is refused
 * whatever the page or a hand-made request sends.
 */
public final class LabService {
    public static final int MAX_INSTRUCTIONS = 4000;

    private final RunStore store;
    private final RunService runs;

    public LabService(RunStore store, RunService runs) {
        this.store = store;
        this.runs = runs;
    }

    /** A new lab and its teacher key (shown once: the store keeps only its hash). */
    public record Created(Lab lab, String teacherKey) {}

    /**
     * A student's submission: the run (started, found identical, or queued again) and the submission's own row.
     */
    public record StudentSubmission(RunService.Submission submission, LabRun row) {}

    /**
     * Validates a lab request {preset, instructions, fields: {name: {mode, min, max}}, expires_at, max_runs, quota:
     * {running, total}} and stores it with a fresh teacher key.
     */
    public Created create(ObjectNode req, String client) {
        return new Created(createLab(req, client), null);
    }

    private Lab createLab(ObjectNode req, String client) {
        Checks c = new Checks();
        for (var it = req.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("preset") && !f.equals("instructions") && !f.equals("fields"))
                c.fail(f, "unknown field; allowed: preset, instructions, fields");
        }
        JsonNode pn = req.get("preset");
        Presets.Preset preset = pn == null || !pn.isTextual()
                ? null
                : Presets.all().stream()
                        .filter(p -> p.id().equals(pn.asText()))
                        .findFirst()
                        .orElse(null);
        if (preset == null) throw new ConfigException("preset", "must name a preset; see GET /api/presets");
        runs.parse(Configs.JSON
                .createObjectNode()
                .put("preset", preset.id())); // a preset over this server's limits makes no lab
        JsonNode in = req.get("instructions");
        String instructions = in == null || in.isNull() ? "" : in.isTextual() ? in.asText() : null;
        if (instructions == null) c.fail("instructions", "must be text");
        else if (instructions.length() > MAX_INSTRUCTIONS)
            c.fail("instructions", "at most " + MAX_INSTRUCTIONS + " characters, got " + instructions.length());
        ObjectNode values =
                Configs.merge(Configs.defaults(preset.config().get("task").asText()), preset.config());
        Map<String, Lab.Rule> rules = new LinkedHashMap<>();
        JsonNode fields = req.get("fields");
        if (fields != null && !fields.isNull() && !fields.isObject())
            c.fail("fields", "must be an object of field name → {mode, min, max}");
        else if (fields != null && fields.isObject()) {
            for (var it = fields.fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey(), at = "fields." + name;
                if (name.equals("task") || !values.has(name)) {
                    c.fail(at, "not a field of task " + values.get("task").asText());
                    continue;
                }
                Lab.Rule r = rule(e.getValue(), values.get(name), at, c);
                if (r != null) rules.put(name, r);
            }
        }
        c.throwIfAny();
        Lab lab = new Lab(
                RunService.newId(),
                preset.id(),
                preset.title(),
                instructions,
                rules,
                0,
                0,
                0,
                0,
                false,
                Lab.Share.NONE);
        store.insertLab(lab.id(), write(lab), client);
        return lab;
    }

    private static Lab.Rule rule(JsonNode n, JsonNode presetValue, String at, Checks c) {
        if (!n.isObject()) {
            c.fail(at, "must be {\"mode\": \"editable\"|\"locked\"|\"hidden\", \"min\": number, \"max\": number}");
            return null;
        }
        Lab.Mode mode;
        try {
            mode = Lab.Mode.valueOf(n.path("mode").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            c.fail(at + ".mode", "must be editable, locked or hidden");
            return null;
        }
        Double min = number(n.get("min"), at + ".min", c), max = number(n.get("max"), at + ".max", c);
        if ((min != null || max != null) && (mode != Lab.Mode.EDITABLE || !presetValue.isNumber())) {
            c.fail(at, "min and max only bound an editable number");
            return null;
        }
        if (min != null && max != null && min > max) c.fail(at, "min " + min + " is above max " + max);
        if (presetValue.isNumber()
                && (min != null && presetValue.asDouble() < min || max != null && presetValue.asDouble() > max))
            c.fail(at, "the range must contain the preset's value " + presetValue.asText());
        return new Lab.Rule(mode, min, max);
    }

    private static Double number(JsonNode n, String at, Checks c) {
        if (n == null || n.isNull()) return null;
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            c.fail(at, "must be a finite number");
            return null;
        }
        return n.asDouble();
    }

    public Optional<Lab> get(String id) {
        if (!RunService.plausibleId(id)) return Optional.empty();
        return store.lab(id).map(LabService::read);
    }

    /** The run config a student asks for: the preset with their overrides, each allowed by the lab's rules. */
    public RunConfig config(Lab lab, JsonNode overrides) {
        if (overrides != null && !overrides.isNull() && !overrides.isObject())
            throw new ConfigException("overrides", "must be a JSON object of config fields");
        Checks c = new Checks();
        if (overrides != null && overrides.isObject()) {
            for (var it = overrides.fields(); it.hasNext(); ) {
                var e = it.next();
                Lab.Rule r = lab.rule(e.getKey());
                String at = "overrides." + e.getKey();
                if (r.mode() != Lab.Mode.EDITABLE) c.fail(at, "locked by this lab");
                else if (r.min() != null || r.max() != null) {
                    JsonNode v = e.getValue();
                    if (!v.isNumber()) c.fail(at, "must be a number");
                    else if (r.min() != null && v.asDouble() < r.min() || r.max() != null && v.asDouble() > r.max())
                        c.fail(at, "this lab allows [" + fmt(r.min()) + ", " + fmt(r.max()) + "], got " + v.asText());
                }
            }
        }
        c.throwIfAny();
        ObjectNode body = Configs.JSON.createObjectNode().put("preset", lab.preset());
        if (overrides != null && overrides.isObject()) body.set("overrides", overrides);
        return runs.parse(body);
    }

    /**
     * Starts (or finds) a student's run in this lab under its rules, lifecycle and the student's quota, and records
     * the submission. {@code client}: the student's client id; {@code name}: display name (null: none).
     */
    public StudentSubmission submit(Lab lab, JsonNode overrides, Clients.Client client, String name) {
        throw new UnsupportedOperationException("not yet");
    }

    /** As {@link #submit(Lab, JsonNode, Clients.Client, String)} for a client id whose address is unknown. */
    public StudentSubmission submit(Lab lab, JsonNode overrides, String client, String name) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A student's own submissions in this lab, newest first. */
    public List<LabRun> runsOf(Lab lab, String client) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether {@code key} is this lab's teacher key (constant-time compare of hashes). */
    public boolean isTeacher(Lab lab, String key) {
        return false;
    }

    /** Everything the teacher sees: every submission with client ids, the varied fields, the class as a sweep. */
    public ClassResults results(Lab lab) {
        throw new UnsupportedOperationException("not yet");
    }

    /** What students see when the teacher shares: hidden runs left out, names per the share mode, no client ids. */
    public Optional<ClassResults> sharedView(Lab lab) {
        return Optional.empty();
    }

    /** No new runs from now on; running ones finish. */
    public Lab close(Lab lab) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Hides (or shows again) a run from the class's shared view and the sweep; false if the lab has no such run. */
    public boolean hide(Lab lab, String runId, boolean hidden) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Sets what students see of the results. */
    public Lab share(Lab lab, Lab.Share share) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The results as CSV: one row per submission. */
    public String csv(ClassResults results) {
        throw new UnsupportedOperationException("not yet");
    }

    /** What students see: instructions and every field that is not hidden, with its value and rule. */
    public Map<String, Object> studentView(Lab lab) {
        Presets.Preset p = Presets.all().stream()
                .filter(x -> x.id().equals(lab.preset()))
                .findFirst()
                .orElseThrow();
        ObjectNode values =
                Configs.merge(Configs.defaults(p.config().get("task").asText()), p.config());
        Map<String, Object> fields = new LinkedHashMap<>();
        for (var it = values.fields(); it.hasNext(); ) {
            var e = it.next();
            Lab.Rule r = lab.rule(e.getKey());
            if (e.getKey().equals("task") || r.mode() == Lab.Mode.HIDDEN) continue;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("value", e.getValue());
            f.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
            if (r.min() != null) f.put("min", r.min());
            if (r.max() != null) f.put("max", r.max());
            fields.put(e.getKey(), f);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", lab.id());
        m.put("task", values.get("task").asText());
        m.put("title", lab.title());
        m.put("instructions", lab.instructions());
        m.put("fields", fields);
        return m;
    }

    private static String fmt(Double v) {
        if (v == null) return "…";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : v.toString();
    }

    private static String write(Lab lab) {
        try {
            return Configs.JSON.writeValueAsString(lab);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Lab read(String doc) {
        try {
            return Configs.JSON.readValue(doc, Lab.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored lab is not valid JSON", e);
        }
    }
}
