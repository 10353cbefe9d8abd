package lab.grokking.server.labs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import lab.grokking.core.MetricTable;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredLabRun;
import lab.grokking.server.store.StoredRun;
import lab.grokking.server.sweeps.RunOutcomes;
import lab.grokking.server.sweeps.SweepJson;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepService;

/**
 * A lab's results as the teacher sees them (every submission, hidden ones flagged, each student as a pseudonym) or as
 * the students see them when shared (hidden ones left out, names per the share mode, no pseudonyms); the class's
 * visible runs as one sweep, read by the same classifier and law fit as sweeps; and the CSV export.
 */
final class ClassView {
    private final RunStore store;
    private final RunService runs;
    private final RunOutcomes outcomes;

    ClassView(RunStore store, RunService runs, RunOutcomes outcomes) {
        this.store = store;
        this.runs = runs;
        this.outcomes = outcomes;
    }

    ClassResults results(Lab lab, boolean teacher) {
        List<LabRun> rows = new ArrayList<>();
        for (StoredLabRun r : store.labRuns(lab.id())) {
            if (!teacher && r.hidden()) continue;
            LabRun row = row(r, lab, teacher);
            if (!teacher && lab.share() != Lab.Share.NAMED)
                row = new LabRun(
                        row.runId(),
                        null,
                        null,
                        row.status(),
                        row.changed(),
                        row.finals(),
                        row.classification(),
                        row.hidden(),
                        row.createdAt());
            rows.add(row);
        }
        ObjectNode preset = presetValues(lab);
        Set<String> changed = new LinkedHashSet<>();
        for (LabRun r : rows) changed.addAll(r.changed().keySet());
        // varied: changed by someone and not the same for everyone (a field all set alike is no axis)
        List<String> varied = new ArrayList<>();
        for (var it = preset.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!changed.contains(f)) continue;
            Set<String> seen = new LinkedHashSet<>();
            for (LabRun r : rows) {
                Object v = r.changed().getOrDefault(f, value(preset.get(f)));
                seen.add(String.valueOf(v instanceof Number n ? n.doubleValue() : v));
            }
            if (seen.size() > 1) varied.add(f);
        }
        return new ClassResults(lab, List.copyOf(rows), List.copyOf(varied), asSweep(lab, rows, varied, preset));
    }

    /**
     * One submission as a view row; {@code teacher}: with the student's pseudonym (a hash of the client id: the id
     * itself is the student's token, which would let its reader act as the student).
     */
    LabRun row(StoredLabRun r, Lab lab, boolean teacher) {
        ObjectNode preset = presetValues(lab);
        TaskSpec<?> spec = TaskSpecs.get(preset.get("task").asText());
        StoredRun run = runs.get(r.runId()).orElse(null);
        Map<String, Object> changed = new LinkedHashMap<>();
        if (run != null) {
            ObjectNode config = Configs.readObject(run.config(), "config");
            for (var it = config.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode was = preset.get(e.getKey());
                if (e.getKey().equals("task") || was == null || same(was, e.getValue())) continue;
                changed.put(e.getKey(), value(e.getValue()));
            }
        }
        RunOutcomes.Seen seen = outcomes.of(r.runId(), spec);
        return new LabRun(
                r.runId(),
                r.name(),
                teacher ? pseudonym(r.client()) : null,
                seen.status(),
                Collections.unmodifiableMap(changed),
                seen.finals(),
                seen.classification(),
                r.hidden(),
                r.createdAt());
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.asDouble() == b.asDouble() : a.equals(b);
    }

    private static Object value(JsonNode v) {
        if (v.isIntegralNumber()) return v.asLong();
        if (v.isNumber()) return v.asDouble();
        if (v.isBoolean()) return v.asBoolean();
        return v.asText();
    }

    /** The class as one sweep: axes the numeric fields students varied; one member per distinct visible run. */
    private SweepReport asSweep(Lab lab, List<LabRun> rows, List<String> varied, ObjectNode preset) {
        Map<String, LabRun> distinct = new LinkedHashMap<>();
        for (LabRun r : rows) if (!r.hidden()) distinct.putIfAbsent(r.runId(), r);
        List<String> numeric = new ArrayList<>();
        for (String f : varied) if (preset.get(f).isNumber()) numeric.add(f);
        Map<String, TreeSet<Double>> values = new LinkedHashMap<>();
        for (String f : numeric) values.put(f, new TreeSet<>());
        TreeSet<Long> seeds = new TreeSet<>();
        List<SweepReport.Member> members = new ArrayList<>();
        List<ObjectNode> configs = new ArrayList<>();
        List<Classification> classes = new ArrayList<>();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) counts.put(o, 0);
        boolean done = true;
        for (LabRun r : distinct.values()) {
            StoredRun run = runs.get(r.runId()).orElse(null);
            ObjectNode config = run == null ? preset.deepCopy() : Configs.readObject(run.config(), "config");
            Map<String, Double> fields = new LinkedHashMap<>();
            for (String f : numeric) {
                double v = config.path(f).asDouble(preset.get(f).asDouble());
                fields.put(f, v);
                values.get(f).add(v);
            }
            long seed = config.path("seed").asLong();
            seeds.add(seed);
            double fraction =
                    r.classification().outcome() == Outcome.NOT_FINISHED ? (SweepService.ended(r.status()) ? 1 : 0) : 1;
            members.add(new SweepReport.Member(
                    members.size(),
                    r.runId(),
                    Collections.unmodifiableMap(fields),
                    seed,
                    r.status(),
                    fraction,
                    r.classification(),
                    r.finals()));
            configs.add(config);
            classes.add(r.classification());
            counts.merge(r.classification().outcome(), 1, Integer::sum);
            done &= SweepService.ended(r.status());
        }
        List<SweepReport.Axis> axes = new ArrayList<>();
        for (var e : values.entrySet()) {
            List<Double> v = List.copyOf(e.getValue());
            boolean log = !v.isEmpty() && v.getFirst() > 0 && v.getLast() / v.getFirst() >= 10;
            axes.add(new SweepReport.Axis(e.getKey(), v, log));
        }
        return new SweepReport(
                lab.id(),
                lab.title(),
                preset.get("task").asText(),
                rows.isEmpty() ? 0 : rows.getFirst().createdAt(),
                List.copyOf(axes),
                List.copyOf(seeds),
                List.copyOf(members),
                Collections.unmodifiableMap(counts),
                RunOutcomes.law(configs, classes),
                done);
    }

    /** The preset's full config (defaults filled in); shared, never modified. */
    private static ObjectNode presetValues(Lab lab) {
        return PRESETS.computeIfAbsent(lab.preset(), id -> {
            Presets.Preset p = Presets.all().stream()
                    .filter(x -> x.id().equals(id))
                    .findFirst()
                    .orElseThrow();
            return Configs.merge(Configs.defaults(p.config().get("task").asText()), p.config());
        });
    }

    private static final java.util.concurrent.ConcurrentMap<String, ObjectNode> PRESETS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A student as the teacher sees it: "s-" and 8 hex digits of the client id's SHA-256 (stable, not reversible). */
    static String pseudonym(String client) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(client.getBytes(StandardCharsets.UTF_8));
            return "s-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The results as JSON: the lab's lifecycle, the submissions, the varied fields and the sweep (as sweeps show it). */
    static Map<String, Object> json(ClassResults r) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LabRun x : r.runs()) rows.add(json(x));
        Lab lab = r.lab();
        return Json.obj(
                "id",
                lab.id(),
                "title",
                lab.title(),
                "closed",
                lab.closed(),
                "expires_at",
                lab.expiresAt() > 0 ? Instant.ofEpochMilli(lab.expiresAt()).toString() : null,
                "max_runs",
                lab.maxRuns(),
                "share",
                lab.share().json(),
                "runs",
                rows,
                "varied",
                r.varied(),
                "sweep",
                SweepJson.report(r.asSweep()));
    }

    /** One submission as JSON; "student" (the pseudonym) only where the row has one (the teacher's view). */
    static Map<String, Object> json(LabRun x) {
        Map<String, Object> finals = new LinkedHashMap<>();
        x.finals().forEach((k, v) -> finals.put(k, Double.isFinite(v) ? v : null));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", x.runId());
        m.put("name", x.name());
        if (x.client() != null) m.put("student", x.client());
        m.put("status", x.status());
        m.put("changed", x.changed());
        m.put("finals", finals);
        m.put("outcome", x.classification().outcome().json());
        m.put("transition_step", x.classification().transitionStep());
        m.put("reason", x.classification().reason());
        m.put("hidden", x.hidden());
        m.put("created_at", Instant.ofEpochMilli(x.createdAt()).toString());
        return m;
    }

    /**
     * One row per submission: time, name, student, run, status, outcome, switch step, then the varied fields and the
     * final metrics. A cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
     */
    static String csv(ClassResults r) {
        List<String> metrics = new ArrayList<>();
        for (LabRun x : r.runs()) for (String k : x.finals().keySet()) if (!metrics.contains(k)) metrics.add(k);
        List<String> head = new ArrayList<>(
                List.of("created_at", "name", "student", "run_id", "status", "hidden", "outcome", "transition_step"));
        head.addAll(r.varied());
        for (String m : metrics) head.add("final_" + m);
        StringBuilder b = new StringBuilder(String.join(",", head)).append('\n');
        for (LabRun x : r.runs()) {
            List<Object> cells = new ArrayList<>(List.of(
                    Instant.ofEpochMilli(x.createdAt()).toString(),
                    x.name() == null ? "" : x.name(),
                    x.client() == null ? "" : x.client(),
                    x.runId(),
                    x.status(),
                    x.hidden(),
                    x.classification().outcome().json(),
                    x.classification().transitionStep() == null
                            ? ""
                            : x.classification().transitionStep()));
            for (String f : r.varied()) cells.add(x.changed().getOrDefault(f, ""));
            for (String m : metrics) {
                Double v = x.finals().get(m);
                cells.add(v == null || !Double.isFinite(v) ? "" : MetricTable.format(v));
            }
            for (int i = 0; i < cells.size(); i++) b.append(i > 0 ? "," : "").append(cell(cells.get(i)));
            b.append('\n');
        }
        return b.toString();
    }

    private static String cell(Object v) {
        String s = v.toString();
        if (v instanceof String && !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) s = "'" + s;
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r"))
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }
}
