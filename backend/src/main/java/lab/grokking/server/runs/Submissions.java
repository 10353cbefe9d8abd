package lab.grokking.server.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import lab.grokking.core.Provenance;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * Accepting a run, before anything executes it: a request body becomes a config (a config document, or a preset with
 * overrides) checked against this server's limits, and its identity (canonical config + code version) is looked up
 * among the runs already stored, so an identical request finds the run that computes or computed it.
 */
public final class Submissions {
    private final Limits limits;
    private final RunReads reads;
    private final RunStore store;
    private final boolean shared;
    private final Cache<String, String> byKey =
            Caffeine.newBuilder().maximumSize(100_000).build();

    public Submissions(Limits limits, RunReads reads, RunStore store) {
        this(limits, reads, store, false);
    }

    /**
     * {@code shared}: other members create, requeue and remove runs in the same store (cluster mode), so a run's
     * identity is looked up in the store every time, never in this member's caches.
     */
    public Submissions(Limits limits, RunReads reads, RunStore store, boolean shared) {
        this.limits = limits;
        this.reads = reads;
        this.store = store;
        this.shared = shared;
    }

    /**
     * The identity of a result: hash of canonical config (seed included), code version and the lab it was started from
     * (null: none), so a lab run is never handed to a client outside the lab, nor an outside run shown as the lab's.
     */
    public static String configKey(String canonicalConfig, String lab) {
        String identity = canonicalConfig + "\n" + Provenance.CODE_VERSION + (lab == null ? "" : "\nlab " + lab);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A config from a POST body: a config document, or {"preset": id, "overrides": {...}}, within this server's limits. */
    public RunConfig parse(ObjectNode body) {
        JsonNode preset = body.get("preset");
        if (preset == null) {
            if (body.has("overrides")) throw new ConfigException("overrides", "only allowed with \"preset\"");
            return validated(Configs.parse(body));
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("preset") && !f.equals("overrides"))
                throw new ConfigException(f, "unknown field beside \"preset\"; allowed: preset, overrides");
        }
        if (!preset.isTextual())
            throw new ConfigException("preset", "must be a preset id string; see GET /api/presets");
        Presets.Preset p = Presets.all().stream()
                .filter(x -> x.id().equals(preset.asText()))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        "preset",
                        "unknown preset '" + TaskSpecs.abbreviate(preset.asText()) + "'; see GET /api/presets"));
        JsonNode overrides = body.get("overrides");
        if (overrides != null && !overrides.isObject())
            throw new ConfigException("overrides", "must be a JSON object of config fields");
        ObjectNode doc = overrides == null ? p.config() : Configs.merge(p.config(), (ObjectNode) overrides);
        if (overrides != null
                && overrides.has("task")
                && !overrides.get("task").equals(p.config().get("task")))
            throw new ConfigException("overrides.task", "a preset's task cannot be overridden");
        return validated(Configs.parse(doc));
    }

    private RunConfig validated(RunConfig rc) {
        rc.validate(limits);
        return rc;
    }

    /** The stored run with this identity, if any (whatever its status). */
    public Optional<StoredRun> existing(String key) {
        if (shared) return store.findByKey(key);
        Optional<StoredRun> r = Optional.ofNullable(byKey.getIfPresent(key)).flatMap(reads::get);
        if (r.isEmpty()) r = store.findByKey(key);
        r.ifPresent(x -> byKey.put(key, x.id()));
        return r;
    }

    /** The run of this identity was just created. */
    void created(String key, String id) {
        byKey.put(key, id);
    }

    /** The run was removed: its identity is free again. */
    void removed(String id) {
        byKey.asMap().values().removeIf(id::equals);
    }
}
