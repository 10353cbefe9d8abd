package lab.grokking.server.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.core.Provenance;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.queue.Job;
import lab.grokking.server.queue.RunQueue;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * Runs as a service: accepts configs (de-duplicated by the hash of canonical config + code version), queues
 * them, trains them on the queue's workers with checkpoints, and serves their rows, snapshots and status
 * from memory (live runs, a weight-bounded Caffeine cache of finished ones) over the store.
 */
public final class RunService implements AutoCloseable {
    /** What a POST did: created a run, found an identical one, or queued a stopped one again. */
    public enum Outcome {
        CREATED,
        EXISTING,
        REQUEUED
    }

    public record Submission(StoredRun run, Outcome outcome) {}

    private static final SecureRandom IDS = new SecureRandom();

    private final ServerConfig cfg;
    private final RunStore store;
    private final RunQueue queue;
    private final Map<String, LiveRun> active = new ConcurrentHashMap<>();
    private final Map<String, RunExecution> executing = new ConcurrentHashMap<>();
    private final Cache<String, LiveRun> finished;
    private final Cache<String, StoredRun> meta;
    private final Cache<String, String> byKey;
    private final Cache<String, Snapshot> snapshots;
    private final Estimates estimates;
    private final Object submitLock = new Object();
    private volatile boolean closing;

    public RunService(ServerConfig cfg, RunStore store, RunQueue queue, Estimates estimates) {
        this.cfg = cfg;
        this.estimates = estimates;
        this.store = store;
        this.queue = queue;
        finished = Caffeine.newBuilder()
                .maximumWeight(cfg.cacheMaxBytes / 2)
                .weigher((String k, LiveRun v) -> v.weight())
                .build();
        snapshots = Caffeine.newBuilder()
                .maximumWeight(cfg.cacheMaxBytes / 2)
                .weigher((String k, Snapshot s) -> 64 + s.values().length * Float.BYTES)
                .build();
        meta = Caffeine.newBuilder().maximumSize(10_000).build();
        byKey = Caffeine.newBuilder().maximumSize(100_000).build();
    }

    /** Queues every run a previous process left QUEUED or RUNNING; they resume from their checkpoints. */
    public void recover() {
        for (StoredRun r : store.unfinished()) {
            store.setStatus(r.id(), StoredRun.Status.QUEUED, "resuming after a restart", null);
            enqueue(r.withStatus(StoredRun.Status.QUEUED, "resuming after a restart"), false);
        }
    }

    /** The identity of a result: hash of canonical config (seed included) and code version. */
    public static String configKey(String canonicalConfig) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((canonicalConfig + "\n" + Provenance.CODE_VERSION).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A config from a POST body: a config document, or {"preset": id, "overrides": {...}}. */
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
                        "preset", "unknown preset '" + abbreviate(preset.asText()) + "'; see GET /api/presets"));
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
        rc.validate(cfg.limits);
        return rc;
    }

    /** Starts a run of this config for this client, or returns the identical one. */
    public Submission submit(RunConfig rc, String client) {
        if (closing)
            throw new lab.grokking.server.queue.QueueLimitException(
                    "closed", "the server is shutting down; try again after it restarts");
        String canonical = Configs.canonical(rc), key = configKey(canonical);
        synchronized (submitLock) { // one run per key even when identical requests race
            Optional<StoredRun> existing =
                    Optional.ofNullable(byKey.getIfPresent(key)).flatMap(this::get);
            if (existing.isEmpty()) existing = store.findByKey(key);
            if (existing.isPresent()) {
                StoredRun r = existing.get();
                byKey.put(key, r.id());
                if (r.status() != StoredRun.Status.CANCELLED && r.status() != StoredRun.Status.FAILED)
                    return new Submission(r, Outcome.EXISTING);
                StoredRun again = r.withStatus(StoredRun.Status.QUEUED, "queued again");
                store.setStatus(r.id(), StoredRun.Status.QUEUED, "queued again", null);
                try {
                    enqueue(again, true);
                } catch (RuntimeException e) {
                    store.setStatus(r.id(), r.status(), r.message(), null);
                    throw e;
                }
                finished.invalidate(r.id());
                meta.invalidate(r.id());
                return new Submission(again, Outcome.REQUEUED);
            }
            StoredRun r = new StoredRun(
                    newId(),
                    key,
                    rc.task(),
                    canonical,
                    rc.seed(),
                    Provenance.CODE_VERSION,
                    client,
                    priority(rc),
                    rc.steps(),
                    StoredRun.Status.QUEUED,
                    null,
                    null,
                    null,
                    null,
                    0,
                    System.currentTimeMillis(),
                    null,
                    null);
            store.insert(r); // first: a worker may take the job at once
            try {
                enqueue(r, true);
            } catch (RuntimeException e) { // a queue limit: the run never existed
                store.remove(r.id());
                throw e;
            }
            byKey.put(key, r.id());
            return new Submission(r, Outcome.CREATED);
        }
    }

    int priority(RunConfig rc) {
        return rc.work() <= cfg.smallRunWork ? 0 : 1;
    }

    private void enqueue(StoredRun r, boolean limited) {
        LiveRun live = new LiveRun(r.id(), r.steps(), StoredRun.Status.QUEUED, r.message(), r.columns());
        Job job = new Job(r.id(), r.client(), r.priority(), () -> execute(r.id(), live));
        active.put(r.id(), live);
        try {
            if (limited) queue.submit(job);
            else queue.resubmit(job);
        } catch (RuntimeException e) {
            active.remove(r.id(), live);
            throw e;
        }
    }

    private void execute(String id, LiveRun live) {
        Optional<StoredRun> r = store.get(id);
        if (r.isEmpty() || r.get().status() != StoredRun.Status.QUEUED || closing)
            return; // removed or cancelled while waiting
        RunExecution ex = new RunExecution(r.get(), live, store, cfg.checkpointSeconds);
        executing.put(id, ex);
        long t0 = System.nanoTime();
        try {
            ex.execute();
            if (live.status() == StoredRun.Status.FINISHED && !ex.resumed())
                estimates.observe(Configs.parse(r.get().config()), (System.nanoTime() - t0) / 1e9);
        } finally {
            executing.remove(id);
            meta.invalidate(id);
            active.remove(id, live);
            if (live.status().isFinal()) finished.put(id, live);
        }
    }

    /** Seconds this config would train here; 0 when an identical run has finished (it opens at once). */
    public double estimatedSeconds(RunConfig rc) {
        Optional<StoredRun> done = finishedRun(rc);
        return done.isPresent() ? 0 : estimates.seconds(rc);
    }

    /** The finished run of exactly this config and code version, if any. */
    public Optional<StoredRun> finishedRun(RunConfig rc) {
        String key = configKey(Configs.canonical(rc));
        Optional<StoredRun> r = Optional.ofNullable(byKey.getIfPresent(key)).flatMap(this::get);
        if (r.isEmpty()) r = store.findByKey(key);
        return r.filter(x -> x.status() == StoredRun.Status.FINISHED);
    }

    /** A run that was not removed. */
    public Optional<StoredRun> get(String id) {
        if (!plausibleId(id)) return Optional.empty();
        StoredRun m = meta.getIfPresent(id);
        if (m != null) return Optional.of(m);
        Optional<StoredRun> r = store.get(id);
        r.filter(x -> x.status().isFinal()).ifPresent(x -> meta.put(id, x)); // live runs change under us
        return r;
    }

    /** The run's rows and status: live if it is queued or running, else from the cache or the store. */
    public Optional<LiveRun> live(String id) {
        LiveRun l = active.get(id);
        if (l != null) return Optional.of(l);
        Optional<StoredRun> r = get(id);
        if (r.isEmpty()) return Optional.empty();
        l = active.get(id); // it may have been queued again meanwhile
        if (l != null) return Optional.of(l);
        return Optional.of(finished.get(id, k -> {
            StoredRun s = r.get();
            LiveRun f = new LiveRun(id, s.steps(), s.status(), s.message(), s.columns());
            f.load(store.metrics(id));
            return f;
        }));
    }

    public List<RunStore.SnapshotInfo> snapshots(String id) {
        return store.snapshots(id);
    }

    public Optional<Snapshot> snapshot(String id, String name, long step) {
        String k = id + "/" + name + "/" + step;
        Snapshot s = snapshots.getIfPresent(k);
        if (s != null) return Optional.of(s);
        Optional<Snapshot> loaded = store.snapshot(id, name, step);
        loaded.ifPresent(x -> snapshots.put(k, x));
        return loaded;
    }

    public int queuePosition(String id) {
        return queue.position(id);
    }

    /** A client's runs (null: everyone's), newest first. */
    public List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit) {
        return store.list(client, task, status, offset, limit);
    }

    public int count(String client, String task, StoredRun.Status status) {
        return store.count(client, task, status);
    }

    /** Cancels a queued or running run; returns its status afterwards (empty: no such run). */
    public Optional<StoredRun.Status> cancel(String id) {
        Optional<StoredRun> r = get(id);
        if (r.isEmpty()) return Optional.empty();
        if (queue.remove(id)) {
            store.setStatus(id, StoredRun.Status.CANCELLED, "cancelled before it started", null);
            LiveRun l = active.remove(id);
            if (l != null) l.end(StoredRun.Status.CANCELLED, "cancelled before it started");
            return Optional.of(StoredRun.Status.CANCELLED);
        }
        RunExecution ex = executing.get(id);
        if (ex != null) {
            ex.stop(RunExecution.Stop.CANCEL);
            return Optional.of(StoredRun.Status.RUNNING); // stops at the next step boundary
        }
        return Optional.of(r.get().status());
    }

    /** Removes a finished or stopped run (cancel it first); false if it is still live. */
    public boolean remove(String id) {
        if (active.containsKey(id)) return false;
        store.remove(id);
        finished.invalidate(id);
        meta.invalidate(id);
        byKey.asMap().values().removeIf(id::equals);
        return true;
    }

    public int running() {
        return executing.size();
    }

    /** "ok" or what is wrong with the store. */
    public String integrityCheck() {
        return store.integrityCheck();
    }

    public int waiting() {
        return (int) active.values().stream()
                .filter(l -> l.status() == StoredRun.Status.QUEUED)
                .count();
    }

    /** Graceful stop: no new runs; running ones checkpoint and go back to QUEUED for the next start. */
    @Override
    public void close() {
        closing = true;
        for (RunExecution ex : executing.values()) ex.stop(RunExecution.Stop.SHUTDOWN);
        queue.close(10_000);
    }

    /** Ids of runs and labs. */
    public static String newId() {
        byte[] b = new byte[16]; // 128 random bits: share links cannot be enumerated
        IDS.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Cheap filter before touching the store: ids are 22 URL-safe Base64 characters. */
    public static boolean plausibleId(String id) {
        return id != null
                && id.length() == 22
                && id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
