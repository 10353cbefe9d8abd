package lab.grokking.server.labs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.grokking.core.config.Checks;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.server.Clients;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredLabRun;
import lab.grokking.server.sweeps.RunOutcomes;

/**
 * Creates classroom labs and starts students' runs under their rules. The rules are enforced here, on the server, for
 * every request: a field that is not editable, or a value outside the lab's range, is refused whatever the page or a
 * hand-made request sends; so are runs in a closed or expired lab, over the lab's {@code max_runs}, or over the
 * student's quota (per client id, see {@link Clients}). Identical configs in a lab are computed once, but every
 * student's submission is recorded. The teacher acts with the lab's teacher key (the store keeps only its hash);
 * {@link ClassView} builds what the teacher and (when shared) the students see.
 */
public final class LabService {
    public static final int MAX_INSTRUCTIONS = 4000;
    /** Longest display name a student may give, after trimming. */
    public static final int MAX_NAME = 40;

    private static final Set<String> FIELDS =
            Set.of("preset", "instructions", "fields", "expires_at", "max_runs", "quota");

    private final RunStore store;
    private final RunService runs;
    private final ServerConfig cfg;
    private final ClassView view;
    private final Object lock = new Object(); // lifecycle and quota checks and the submission they admit, together

    public LabService(RunStore store, RunService runs, ServerConfig cfg) {
        this.store = store;
        this.runs = runs;
        this.cfg = cfg;
        this.view = new ClassView(store, runs, new RunOutcomes(runs));
    }

    /** A new lab and its teacher key (shown once: the store keeps only its hash). */
    public record Created(Lab lab, String teacherKey) {}

    /** A student's submission: the run (started, found identical, or queued again) and the submission's own row. */
    public record StudentSubmission(RunService.Submission submission, LabRun row) {}

    /** A submission the lab's lifecycle or the student's quota refuses; {@code rule}: the lab setting that did. */
    public static final class RefusedException extends RuntimeException {
        private final String rule;

        RefusedException(String rule, String message) {
            super(message);
            this.rule = rule;
        }

        public String rule() {
            return rule;
        }
    }

    /**
     * Validates a lab request {preset, instructions, fields: {name: {mode, min, max}}, expires_at (ISO instant),
     * max_runs, quota: {running, total}} and stores it with a fresh teacher key.
     */
    public Created create(ObjectNode req, String client) {
        Checks c = new Checks();
        for (var it = req.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f))
                c.fail(f, "unknown field; allowed: preset, instructions, fields, expires_at, max_runs, quota");
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
        long now = System.currentTimeMillis();
        long expiresAt = expiresAt(req.get("expires_at"), now, c);
        int maxRuns = count(req.get("max_runs"), "max_runs", cfg.labMaxRuns, cfg.labMaxRuns, "labs.maxRuns", c);
        JsonNode q = req.get("quota");
        if (q != null && !q.isNull() && !q.isObject()) c.fail("quota", "must be {\"running\": n, \"total\": m}");
        JsonNode qr = q == null ? null : q.get("running"), qt = q == null ? null : q.get("total");
        if (q != null && q.isObject())
            for (var it = q.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("running") && !f.equals("total"))
                    c.fail("quota." + f, "unknown field; allowed: running, total");
            }
        int quotaTotal =
                count(qt, "quota.total", Math.min(cfg.labQuotaTotal, maxRuns), maxRuns, "max_runs = " + maxRuns, c);
        int quotaRunning =
                count(qr, "quota.running", Math.min(cfg.labQuotaRunning, quotaTotal), quotaTotal, "quota.total", c);
        c.throwIfAny();
        Lab lab = new Lab(
                RunService.newId(),
                preset.id(),
                preset.title(),
                instructions,
                rules,
                expiresAt,
                maxRuns,
                quotaRunning,
                quotaTotal,
                false,
                Lab.Share.NONE);
        String key = Clients.newToken(); // 128 random bits of its own: nothing ties it to the lab's id
        store.insertLab(lab.id(), write(lab), client, hash(key));
        return new Created(lab, key);
    }

    /** The expiry in epoch millis: an ISO instant in the future within labs.maxDays, or labs.defaultDays from now. */
    private long expiresAt(JsonNode n, long now, Checks c) {
        long max = now + (long) (cfg.labMaxDays * 86_400_000L);
        if (n == null || n.isNull()) return Math.min(max, now + (long) (cfg.labDefaultDays * 86_400_000L));
        Instant t;
        try {
            t = n.isTextual() ? Instant.parse(n.asText()) : null;
        } catch (DateTimeParseException e) {
            t = null;
        }
        if (t == null) {
            c.fail("expires_at", "must be an ISO instant such as 2026-12-24T18:00:00Z");
            return 0;
        }
        if (t.toEpochMilli() <= now) c.fail("expires_at", "must be in the future, got " + t);
        else if (t.toEpochMilli() > max)
            c.fail(
                    "expires_at",
                    "at most " + plain(cfg.labMaxDays) + " days ahead (labs.maxDays), i.e. by "
                            + Instant.ofEpochMilli(max) + "; got " + t);
        return t.toEpochMilli();
    }

    /** A whole number in [1, max]; {@code fallback} when absent. */
    private static int count(JsonNode n, String at, int fallback, int max, String limit, Checks c) {
        if (n == null || n.isNull()) return fallback;
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > max) {
            c.fail(at, "must be a whole number in [1, " + max + "] (" + limit + "), got " + n);
            return fallback;
        }
        return n.asInt();
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
        return store.lab(id).map(this::read);
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
     * the submission. {@code name}: the display name (null or blank: none).
     */
    public StudentSubmission submit(Lab lab, JsonNode overrides, Clients.Client client, String name) {
        return submit(lab, overrides, client.id(), client.address(), name);
    }

    /** As {@link #submit(Lab, JsonNode, Clients.Client, String)} for a client id whose address is unknown. */
    public StudentSubmission submit(Lab lab, JsonNode overrides, String client, String name) {
        return submit(lab, overrides, client, client, name);
    }

    private StudentSubmission submit(Lab lab, JsonNode overrides, String client, String address, String name) {
        String display = name(name);
        RunConfig rc = config(lab, overrides);
        synchronized (lock) {
            Lab now = get(lab.id()).orElse(lab); // closed or shared meanwhile: the stored lab decides
            requireOpen(now);
            List<StoredLabRun> rows = store.labRuns(now.id());
            if (rows.size() >= now.maxRuns())
                throw new RefusedException(
                        "max_runs",
                        "this lab has reached its cap of " + now.maxRuns() + " runs (max_runs); ask your teacher");
            List<StoredLabRun> mine =
                    rows.stream().filter(r -> r.client().equals(client)).toList();
            if (mine.size() >= now.quotaTotal())
                throw new RefusedException(
                        "quota.total",
                        "you have started " + mine.size() + " runs in this lab, its limit per student (quota.total = "
                                + now.quotaTotal() + ")");
            long unfinished = mine.stream().filter(this::unfinished).count();
            if (unfinished >= now.quotaRunning())
                throw new RefusedException(
                        "quota.running",
                        "you have " + unfinished + " runs in this lab not finished yet, its limit per student"
                                + " (quota.running = " + now.quotaRunning() + "); wait for one to end");
            RunService.Submission s = runs.submit(rc, client, address, now.id());
            StoredLabRun row =
                    new StoredLabRun(now.id(), s.run().id(), client, display, false, System.currentTimeMillis());
            store.insertLabRun(row);
            return new StudentSubmission(s, view.row(row, now, true));
        }
    }

    private boolean unfinished(StoredLabRun r) {
        return runs.get(r.runId()).map(x -> !x.status().isFinal()).orElse(false);
    }

    private static void requireOpen(Lab lab) {
        if (lab.closed()) throw new RefusedException("closed", "this lab is closed: it takes no new runs");
        if (lab.expired(System.currentTimeMillis()))
            throw new RefusedException(
                    "expires_at",
                    "this lab expired at " + Instant.ofEpochMilli(lab.expiresAt()) + ": it takes no new runs");
    }

    /** A display name: trimmed, at most {@link #MAX_NAME} characters, printable; null or blank: none. */
    static String name(String name) {
        if (name == null) return null;
        String t = name.strip();
        if (t.isEmpty()) return null;
        if (t.codePointCount(0, t.length()) > MAX_NAME)
            throw new ConfigException(
                    "name", "at most " + MAX_NAME + " characters, got " + t.codePointCount(0, t.length()));
        if (t.codePoints().anyMatch(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT))
            throw new ConfigException("name", "must not contain control or formatting characters");
        return t;
    }

    /** A student's own submissions in this lab, newest first. */
    public List<LabRun> runsOf(Lab lab, String client) {
        List<LabRun> out = new ArrayList<>();
        for (StoredLabRun r : store.labRunsOf(lab.id(), client)) out.add(view.row(r, lab, false));
        return out.reversed();
    }

    /** Whether {@code key} is this lab's teacher key (constant-time compare of hashes). */
    public boolean isTeacher(Lab lab, String key) {
        if (!Clients.valid(key)) return false;
        Optional<String> stored = store.labKeyHash(lab.id());
        return stored.isPresent()
                && MessageDigest.isEqual(
                        stored.get().getBytes(StandardCharsets.US_ASCII),
                        hash(key).getBytes(StandardCharsets.US_ASCII));
    }

    /** Everything the teacher sees: every submission (hidden ones flagged), the varied fields, the class as a sweep. */
    public ClassResults results(Lab lab) {
        return view.results(lab, true);
    }

    /** What students see when the teacher shares: hidden runs left out, names per the share mode, no client ids. */
    public Optional<ClassResults> sharedView(Lab lab) {
        return lab.share() == Lab.Share.NONE ? Optional.empty() : Optional.of(view.results(lab, false));
    }

    /** No new runs from now on; running ones finish. */
    public Lab close(Lab lab) {
        synchronized (lock) {
            Lab closed = get(lab.id()).orElse(lab).withClosed(true);
            store.updateLab(closed.id(), write(closed));
            return closed;
        }
    }

    /** Hides (or shows again) a run from the class's shared view and the sweep; false if the lab has no such run. */
    public boolean hide(Lab lab, String runId, boolean hidden) {
        return RunService.plausibleId(runId) && store.hideLabRun(lab.id(), runId, hidden) > 0;
    }

    /** Sets what students see of the results. */
    public Lab share(Lab lab, Lab.Share share) {
        synchronized (lock) {
            Lab shared = get(lab.id()).orElse(lab).withShare(share);
            store.updateLab(shared.id(), write(shared));
            return shared;
        }
    }

    /** The results as CSV: one row per submission (see {@link ClassView#csv}). */
    public String csv(ClassResults results) {
        return ClassView.csv(results);
    }

    /** The results as JSON (see {@link ClassView#json}). */
    public Map<String, Object> json(ClassResults results) {
        return ClassView.json(results);
    }

    /** One submission as JSON (see {@link ClassView#json(LabRun)}). */
    public Map<String, Object> json(LabRun run) {
        return ClassView.json(run);
    }

    private static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        m.put(
                "expires_at",
                lab.expiresAt() > 0 ? Instant.ofEpochMilli(lab.expiresAt()).toString() : null);
        m.put("max_runs", lab.maxRuns());
        m.put("quota", Map.of("running", lab.quotaRunning(), "total", lab.quotaTotal()));
        m.put("closed", lab.closed());
        m.put("expired", lab.expired(System.currentTimeMillis()));
        m.put("share", lab.share().json());
        m.put("runs", store.labRuns(lab.id()).size());
        return m;
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
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

    /** A stored lab; one stored before lifecycles existed gets this server's defaults (and never expires). */
    private Lab read(String doc) {
        try {
            Lab l = Configs.JSON.readValue(doc, Lab.class);
            if (l.maxRuns() > 0) return l;
            return new Lab(
                    l.id(),
                    l.preset(),
                    l.title(),
                    l.instructions(),
                    l.rules(),
                    l.expiresAt(),
                    cfg.labMaxRuns,
                    Math.min(cfg.labQuotaRunning, cfg.labQuotaTotal),
                    cfg.labQuotaTotal,
                    l.closed(),
                    l.share());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored lab is not valid JSON", e);
        }
    }
}
