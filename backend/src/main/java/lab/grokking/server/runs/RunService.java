package lab.grokking.server.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.core.Provenance;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.queue.Job;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.queue.RunExecutor;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * The run lifecycle, over three seams: {@link Submissions} accept a run (parse, presets, limits, de-duplication), a
 * {@link RunExecutor} executes it (the in-process fair queue by default), and {@link RunReads} serves what is read
 * (rows, snapshots, status) from memory over the store. This class ties them: queue, train with checkpoints, cancel,
 * remove, recover after a restart.
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
    private final RunExecutor executor;
    private final Submissions submissions;
    private final RunReads reads;
    private final Estimates estimates;
    private final Map<String, RunExecution> executing = new ConcurrentHashMap<>();
    private final Object submitLock = new Object();
    private volatile boolean closing;

    public RunService(ServerConfig cfg, RunStore store, RunExecutor executor, Estimates estimates) {
        this.cfg = cfg;
        this.store = store;
        this.executor = executor;
        this.estimates = estimates;
        this.reads = new RunReads(store, cfg.cacheMaxBytes);
        this.submissions = new Submissions(cfg.limits, reads, store);
    }

    /** What is read of runs. */
    public RunReads reads() {
        return reads;
    }

    /** Queues every run a previous process left QUEUED or RUNNING; they resume from their checkpoints. */
    public void recover() {
        for (StoredRun r : store.unfinished()) {
            store.setStatus(r.id(), StoredRun.Status.QUEUED, "resuming after a restart", null);
            enqueue(r.withStatus(StoredRun.Status.QUEUED, "resuming after a restart"), false);
        }
    }

    /** A config from a POST body within this server's limits (see {@link Submissions#parse}). */
    public RunConfig parse(ObjectNode body) {
        return submissions.parse(body);
    }

    /** Starts a run of this config for this client, or returns the identical one. */
    public Submission submit(RunConfig rc, String client) {
        if (closing)
            throw new QueueLimitException("closed", "the server is shutting down; try again after it restarts");
        String canonical = Configs.canonical(rc), key = Submissions.configKey(canonical);
        synchronized (submitLock) { // one run per key even when identical requests race
            Optional<StoredRun> existing = submissions.existing(key);
            if (existing.isPresent()) {
                StoredRun r = existing.get();
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
            submissions.created(key, r.id());
            return new Submission(r, Outcome.CREATED);
        }
    }

    int priority(RunConfig rc) {
        return rc.work() <= cfg.smallRunWork ? 0 : 1;
    }

    private void enqueue(StoredRun r, boolean limited) {
        LiveRun live = new LiveRun(r.id(), r.steps(), StoredRun.Status.QUEUED, r.message(), r.columns());
        Job job = new Job(r.id(), r.client(), r.priority(), () -> execute(r.id(), live));
        reads.started(live);
        try {
            if (limited) executor.submit(job);
            else executor.resubmit(job);
        } catch (RuntimeException e) {
            reads.ended(live);
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
            reads.ended(live);
        }
    }

    /** Seconds this config would train here; 0 when an identical run has finished (it opens at once). */
    public double estimatedSeconds(RunConfig rc) {
        Optional<StoredRun> done = finishedRun(rc);
        return done.isPresent() ? 0 : estimates.seconds(rc);
    }

    /** The finished run of exactly this config and code version, if any. */
    public Optional<StoredRun> finishedRun(RunConfig rc) {
        return submissions
                .existing(Submissions.configKey(Configs.canonical(rc)))
                .filter(x -> x.status() == StoredRun.Status.FINISHED);
    }

    /** A run that was not removed (see {@link RunReads#get}). */
    public Optional<StoredRun> get(String id) {
        return reads.get(id);
    }

    public int queuePosition(String id) {
        return executor.position(id);
    }

    /**
     * Seconds until a queued run starts, from the same estimates as everything else: what the running runs have left
     * (their live ETA, or their estimate less the part done) and the runs dispatched before it, shared by the workers;
     * null when it is not waiting.
     */
    public Double estimatedStartSeconds(String id) {
        List<String> ahead = executor.ahead(id);
        if (ahead == null) return null;
        double seconds = 0;
        for (RunExecution ex : executing.values()) {
            Double eta = ex.live().etaSeconds();
            seconds += eta != null
                    ? eta
                    : modelSeconds(ex.run())
                            * (1
                                    - (double) ex.live().progressStep()
                                            / Math.max(1, ex.run().steps()));
        }
        for (String other : ahead)
            seconds += reads.get(other).map(this::modelSeconds).orElse(0.0);
        return seconds / executor.workers();
    }

    private double modelSeconds(StoredRun r) {
        return estimates.seconds(Configs.parse(r.config()));
    }

    /** Cancels a queued or running run; returns its status afterwards (empty: no such run). */
    public Optional<StoredRun.Status> cancel(String id) {
        Optional<StoredRun> r = reads.get(id);
        if (r.isEmpty()) return Optional.empty();
        if (executor.remove(id)) {
            store.setStatus(id, StoredRun.Status.CANCELLED, "cancelled before it started", null);
            reads.untrack(id).ifPresent(l -> l.end(StoredRun.Status.CANCELLED, "cancelled before it started"));
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
        if (reads.isLive(id)) return false;
        store.remove(id);
        reads.removed(id);
        submissions.removed(id);
        return true;
    }

    public int running() {
        return executing.size();
    }

    /** "ok" or what is wrong with the store. */
    public String integrityCheck() {
        return store.integrityCheck();
    }

    /** Graceful stop: no new runs; running ones checkpoint and go back to QUEUED for the next start. */
    @Override
    public void close() {
        closing = true;
        for (RunExecution ex : executing.values()) ex.stop(RunExecution.Stop.SHUTDOWN);
        executor.close(10_000);
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
}
