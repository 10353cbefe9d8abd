package lab.grokking.server.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.grokking.core.Provenance;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Cohort;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.Solo;
import lab.grokking.server.queue.Job;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.queue.RunExecutor;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.DuplicateRunException;
import lab.grokking.server.store.OwnershipLostException;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoreException;
import lab.grokking.server.store.StoredRun;

/**
 * The run lifecycle, over three seams: {@link Submissions} accept a run (parse, presets, limits, de-duplication;
 * {@link Budgets} per client, checked with the queue's limits under {@link #lock}), a
 * {@link RunExecutor} executes it (the in-process fair queue by default), and {@link RunReads} serves what is read
 * (rows, snapshots, status) from memory over the store. This class ties them: queue, train with checkpoints, cancel,
 * remove, pause while the store takes no writes, recover.
 *
 * <p>One invariant: every run the store calls QUEUED or RUNNING is owned here, waiting in the executor, held by a
 * worker, or paused (its writes refused; the probe resumes it). Ownership changes only under {@link #lock}, together
 * with the store write that goes with it, so submit, cancel, delete, dispatch, pause, resume and shutdown are atomic
 * with respect to each other; a reconciler re-queues any run the store holds and nothing owns. Health's counts are the
 * owned runs.
 *
 * <p>Cluster mode ({@link Cluster#distributed}): a submitted run waits in the shared store, QUEUED and unowned, and
 * every member is told; each member's {@link Dispatcher} claims runs (a fenced claim in the store, see
 * {@link RunStore#claimNext}) while it has a free worker and a quorum, and owns a run here only once it holds its
 * claim. The invariant above then reads: every run the store holds unfinished under this member's claim is owned here.
 * A write refused because another member took the run over ends the attempt at once (counted by
 * {@link #ownershipLost}); cancels of runs trained elsewhere go to their owner. A member claims one run per free
 * worker and trains each alone: cluster mode does not batch (a cohort would hold claims other members' free workers
 * could train).
 *
 * <p>Batching happens at dispatch: a worker that starts a run whose task has a batch key also claims the runs of the
 * same client waiting with the same key (up to {@code queue.batchMax} in all, oldest first), takes them out of the
 * executor under the lock, and trains them together as one {@link Cohort}, each on its own thread with its own
 * {@link RunExecution} (rows, checkpoints, cancel, pause, cap); the worker returns when all have ended.
 */
public final class RunService implements AutoCloseable {
    /** What a POST did: created a run, found an identical one, or queued a stopped one again. */
    public enum Outcome {
        CREATED,
        EXISTING,
        REQUEUED
    }

    public record Submission(StoredRun run, Outcome outcome) {}

    /** Owned runs by state, and what the health endpoint says; {@code acceptsRuns}: false while the store takes no writes. */
    public record Health(
            boolean ok,
            List<String> problems,
            boolean acceptsRuns,
            long freeBytes,
            int running,
            int waiting,
            int paused) {}

    private static final SecureRandom IDS = new SecureRandom();
    private static final System.Logger LOG = System.getLogger(RunService.class.getName());

    private enum State {
        WAITING,
        RUNNING,
        PAUSED
    }

    /** A run this service owns. Fields change under {@link #lock}. */
    private static final class Owned {
        final StoredRun run;
        final LiveRun live;
        /** What the run may store in all: the disk quota counts it at this until it ends. */
        final long diskBytes;
        /** Its task's batch key (null: trained alone). */
        final Object batchKey;
        /** The address group of the queue's address limits (its client id when unknown: recovered runs). */
        String address;

        State state = State.WAITING;
        RunExecution ex;
        RunExecution.Pending pending;
        /** Cluster mode: the claim it was dispatched under (taken before it is owned here). */
        Claim claim;

        Owned(StoredRun run, LiveRun live) {
            this.run = run;
            this.live = live;
            this.diskBytes = diskBytes(run);
            Object key;
            try {
                key = Configs.parse(run.config()).batchKey();
            } catch (RuntimeException e) { // a config this build cannot read fails when it starts, storing nothing
                key = null;
            }
            this.batchKey = key;
        }
    }

    /** What a run may store in all (0 for a config this build cannot read: it fails when it starts, storing nothing). */
    private static long diskBytes(StoredRun run) {
        try {
            return Configs.parse(run.config()).diskBytes();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The setting a client over its disk quota is told of. */
    public static final String DISK_QUOTA = "limits.clientDiskBytes";

    private final ServerConfig cfg;
    private final Cluster cluster;
    private final RunStore store;
    private final RunExecutor executor;
    private final Submissions submissions;
    private final RunReads reads;
    private final Estimates estimates;
    private final Budgets budgets;
    private final StoreHealth storeHealth;
    private final Object lock = new Object();
    private final Map<String, Owned> owned = new HashMap<>(); // guarded by lock
    private final ScheduledExecutorService upkeep;
    private boolean closing; // guarded by lock
    private long reconciled; // guarded by lock
    /** Cluster mode: runs wait in the shared store until a member claims them (false: a single JVM). */
    private final boolean shared;

    private final SharedQueue sharedQueue;
    private final Leases leases;
    /** Cluster mode's claims (null in a single JVM, where the executor dispatches what is owned here). */
    private final Dispatcher dispatcher;

    private long ownershipLost, finishedHere; // guarded by lock

    /** A single-JVM run service ({@link Solo}). */
    public RunService(ServerConfig cfg, RunStore store, RunExecutor executor, Estimates estimates) {
        this(cfg, store, executor, estimates, new Solo());
    }

    /** A run service that is this member of {@code cluster} ({@link Solo}: a single JVM). */
    public RunService(ServerConfig cfg, RunStore store, RunExecutor executor, Estimates estimates, Cluster cluster) {
        this.cfg = cfg;
        this.cluster = cluster;
        this.store = store;
        this.executor = executor;
        this.estimates = estimates;
        this.reads = new RunReads(store, cfg.cacheMaxBytes, cluster);
        this.submissions = new Submissions(cfg.limits, reads, store, cluster.distributed());
        this.budgets = new Budgets(cfg, store, estimates);
        this.storeHealth = new StoreHealth(store, cfg.minFreeBytes);
        upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "groklab-upkeep");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, (long) (cfg.probeSeconds * 1000));
        upkeep.scheduleWithFixedDelay(this::upkeep, period, period, TimeUnit.MILLISECONDS);
        shared = cluster.distributed();
        sharedQueue = new SharedQueue(cfg, store);
        leases = new Leases(cfg.clusterMaxNoHeartbeatSeconds, cfg.checkpointSeconds, System::nanoTime);
        dispatcher = shared ? new Dispatcher("groklab-dispatch", this::dispatch) : null;
        if (shared) {
            cluster.onQueued(dispatcher::wake);
            cluster.onChanged(id -> {
                try {
                    upkeep.execute(() -> forget(id)); // off the messaging thread: a mirror's close talks to the cluster
                } catch (RejectedExecutionException e) { // closing: nothing is served from the caches any more
                    LOG.log(System.Logger.Level.DEBUG, "run " + id + ": changed while closing");
                }
            });
            cluster.onCancel((id, client) -> {
                try {
                    upkeep.execute(() -> cancelFromMember(id, client));
                } catch (RejectedExecutionException e) { // closing: the run is released, whoever takes it is asked
                    LOG.log(System.Logger.Level.DEBUG, "run " + id + ": cancel arrived while closing");
                }
            });
        }
    }

    /** The members this one works with ({@link Solo} in a single JVM). */
    public Cluster cluster() {
        return cluster;
    }

    /** What is read of runs. */
    public RunReads reads() {
        return reads;
    }

    /**
     * Queues every run a previous process left QUEUED or RUNNING; they resume from their checkpoints. In cluster mode
     * they wait in the store for any member's dispatcher (the runs of a member that died are claimed there too).
     */
    public void recover() {
        if (shared) {
            reconcile();
            return;
        }
        synchronized (lock) {
            for (StoredRun r : store.unfinished()) if (!owned.containsKey(r.id())) adopt(r, "resuming after a restart");
        }
    }

    /** A config from a POST body within this server's limits (see {@link Submissions#parse}). */
    public RunConfig parse(ObjectNode body) {
        return submissions.parse(body);
    }

    /** Starts a run of this config for this client, or returns the identical one. */
    public Submission submit(RunConfig rc, String client) {
        return submit(rc, client, null);
    }

    /** As {@link #submit(RunConfig, String)}, for a student of this classroom lab (the run records it). */
    public Submission submit(RunConfig rc, String client, String lab) {
        return submit(rc, client, client, lab);
    }

    /**
     * As {@link #submit(RunConfig, String, String)} from this address: the queue's address limits count the run
     * against it (see {@code lab.grokking.server.Clients}).
     */
    public Submission submit(RunConfig rc, String client, String address, String lab) {
        String canonical = Configs.canonical(rc), key = Submissions.configKey(canonical, lab);
        if (shared) return submitShared(rc, client, lab, canonical, key);
        synchronized (lock) { // one run per key even when identical requests race
            Optional<StoredRun> existing = submissions.existing(key);
            Optional<Submission> live = live(existing);
            if (live.isPresent()) return live.get();
            if (existing.isPresent()) {
                StoredRun r = existing.get();
                requireDiskQuota(r.client(), client, rc, r.id()); // its creator's runs, this one at its estimate
                String message = requeued(r);
                StoredRun again = r.withStatus(StoredRun.Status.QUEUED, message);
                admit(r.client(), budgets.seconds(r), false);
                Owned o = enqueue(again, true, address); // first: a queue limit leaves nothing to undo
                write(o, () -> store.setStatus(r.id(), StoredRun.Status.QUEUED, message, null));
                return new Submission(again, Outcome.REQUEUED);
            }
            requireDiskQuota(client, client, rc, null);
            StoredRun r = newRun(rc, canonical, key, client, lab);
            admit(client, estimates.seconds(rc), true);
            Owned o = enqueue(r, true, address); // a worker that takes it waits for this lock, then finds the row
            try {
                write(o, () -> store.insert(r));
            } catch (DuplicateRunException e) { // the store holds a run of this key already (another member's)
                Optional<StoredRun> stored = store.get(e.existingId());
                if (stored.isEmpty()) throw e;
                submissions.created(key, e.existingId());
                return new Submission(stored.get(), Outcome.EXISTING);
            }
            submissions.created(key, r.id());
            return new Submission(r, Outcome.CREATED);
        }
    }

    private StoredRun newRun(RunConfig rc, String canonical, String key, String client, String lab) {
        return new StoredRun(
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
                null,
                lab);
    }

    /**
     * Under the lock, first in every submission: refused while the server closes; EXISTING while the key's run is live;
     * else the store must take writes (empty: queue it, new or again).
     */
    private Optional<Submission> live(Optional<StoredRun> existing) {
        if (closing)
            throw new QueueLimitException("closed", "the server is shutting down; try again after it restarts");
        if (existing.isPresent() && !stopped(existing.get()))
            return Optional.of(new Submission(existing.get(), Outcome.EXISTING));
        storeHealth.requireWritable();
        return Optional.empty();
    }

    /** The message of a stopped run queued again. */
    private static String requeued(StoredRun r) {
        return "queued again" + (r.message() == null ? "" : " (it had " + r.message() + ")");
    }

    /**
     * Cluster mode's submit: the run is stored QUEUED and unowned, and every member is told; the member that claims it
     * trains it. The limits and budgets count the client's runs on every member (the store's). A run of this key
     * stored by another member at the same moment answers EXISTING.
     */
    private Submission submitShared(RunConfig rc, String client, String lab, String canonical, String key) {
        synchronized (lock) {
            Optional<StoredRun> existing = submissions.existing(key);
            Optional<Submission> live = live(existing);
            if (live.isPresent()) return live.get();
            Submission s;
            if (existing.isPresent()) {
                StoredRun r = existing.get();
                requireDiskQuota(r.client(), client, rc, r.id());
                sharedQueue.requireRoom(r.client());
                String message = requeued(r);
                admit(r.client(), budgets.seconds(r), false);
                storeWrite(() -> store.setStatus(r.id(), StoredRun.Status.QUEUED, message, null));
                cluster.announceChanged(r.id()); // the others cached its final state
                s = new Submission(r.withStatus(StoredRun.Status.QUEUED, message), Outcome.REQUEUED);
            } else {
                requireDiskQuota(client, client, rc, null);
                sharedQueue.requireRoom(client);
                StoredRun r = newRun(rc, canonical, key, client, lab);
                admit(client, estimates.seconds(rc), true);
                try {
                    storeWrite(() -> store.insert(r));
                } catch (DuplicateRunException e) { // another member stored this key first
                    Optional<StoredRun> stored = store.get(e.existingId());
                    if (stored.isEmpty()) throw e;
                    submissions.created(key, e.existingId());
                    return new Submission(stored.get(), Outcome.EXISTING);
                }
                submissions.created(key, r.id());
                s = new Submission(r, Outcome.CREATED);
            }
            cluster.announceQueued();
            return s;
        }
    }

    /** A store write that counts towards the store's health when it fails. */
    private void storeWrite(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            storeHealth.failed(e);
            throw e;
        }
    }

    /**
     * Cluster mode's dispatch round: while this member has a free worker and sees a quorum, claims the next run nobody
     * live trains (fairly across clients, see {@link RunStore#claimNext}) and hands it to a worker here. Runs of a
     * member that died are claimed here too, once they stopped progressing ({@link Leases}), and resume from their
     * checkpoints.
     */
    private void dispatch() {
        Set<String> holding;
        try { // every round, busy or not: a lease counts from the last progress this member saw
            holding = leases.holding(cluster.liveMembers(), store);
        } catch (RuntimeException e) {
            storeHealth.failed(e);
            throw e;
        }
        while (true) {
            synchronized (lock) {
                if (closing || !cluster.hasQuorum() || !storeHealth.isWritable() || owned.size() >= executor.workers())
                    return;
                Optional<RunStore.ClaimedRun> next;
                try {
                    next = store.claimNext(cluster.memberId(), holding);
                } catch (RuntimeException e) {
                    storeHealth.failed(e);
                    throw e;
                }
                if (next.isEmpty()) return;
                StoredRun r = next.get().run();
                Owned o = enqueue(r.withStatus(StoredRun.Status.QUEUED, r.message()), false, r.client());
                o.claim = next.get().claim();
            }
        }
    }

    /** Under the lock: refuses a run that would take its client over a budget (see {@link Budgets#admit}). */
    private void admit(String client, double seconds, boolean newRun) {
        List<StoredRun> held = new ArrayList<>();
        Double soonestEnd = null;
        if (shared) { // every member's runs: what a remote one has left is its estimate less the part done
            for (StoredRun r : sharedQueue.held(client)) {
                held.add(r);
                if (r.status() == StoredRun.Status.RUNNING)
                    soonestEnd = Math.min(
                            soonestEnd == null ? Double.MAX_VALUE : soonestEnd,
                            budgets.seconds(r) * (1 - (double) r.progressStep() / Math.max(1, r.steps())));
            }
            budgets.admit(client, seconds, held, soonestEnd, newRun);
            return;
        }
        for (Owned o : owned.values()) {
            if (!o.run.client().equals(client)) continue;
            held.add(o.run);
            if (o.state == State.RUNNING)
                soonestEnd = Math.min(soonestEnd == null ? Double.MAX_VALUE : soonestEnd, remainingSeconds(o));
        }
        budgets.admit(client, seconds, held, soonestEnd, newRun);
    }

    /**
     * Under the lock, so that two submissions cannot both take the last of a quota: the client's runs may store this
     * run beside what they hold (the store's count of their blobs) and what the ones queued or running may still write
     * (their estimates); {@code exceptRun} is a run queued again (by {@code requester}, maybe not its creator), counted
     * at its estimate instead of what it holds.
     */
    private void requireDiskQuota(String client, String requester, RunConfig rc, String exceptRun) {
        long used = store.storedBytes(client, exceptRun);
        if (shared) for (StoredRun r : sharedQueue.held(client)) used += diskBytes(r);
        else for (Owned o : owned.values()) if (o.run.client().equals(client)) used += o.diskBytes;
        long needed = rc.diskBytes(), limit = cfg.limits.clientDiskBytes();
        if (used + needed > limit)
            throw new QueueLimitException(
                    DISK_QUOTA,
                    String.format(
                            Locale.ROOT,
                            "%s store or will store %.1f MiB (used) and this run needs %.1f MiB (needed): above"
                                    + " the %.1f MiB a client may store (limit, %s); removing runs it no longer needs"
                                    + " (DELETE /api/runs/{id}) frees it",
                            client.equals(requester) ? "this client's runs" : "the runs of this run's creator",
                            used / 1048576.0,
                            needed / 1048576.0,
                            limit / 1048576.0,
                            DISK_QUOTA));
    }

    private static boolean stopped(StoredRun r) {
        return r.status() == StoredRun.Status.CANCELLED || r.status() == StoredRun.Status.FAILED;
    }

    /** The store write that goes with a new owner; if it fails the run is disowned again (nothing half-done). */
    private void write(Owned o, Runnable storeWrite) {
        try {
            storeWrite.run();
        } catch (RuntimeException e) {
            storeHealth.failed(e);
            disown(o);
            throw e;
        }
    }

    int priority(RunConfig rc) {
        return rc.work() <= cfg.smallRunWork ? 0 : 1;
    }

    /** Owns a run and hands it to the executor (a limited submission may throw QueueLimitException: nothing changed). */
    private Owned enqueue(StoredRun r, boolean limited, String address) {
        Owned o = new Owned(r, new LiveRun(r.id(), r.steps(), StoredRun.Status.QUEUED, r.message(), r.columns()));
        o.address = address;
        Job job = job(o);
        if (limited) executor.submit(job);
        else executor.resubmit(job);
        owned.put(r.id(), o);
        reads.started(o.live);
        return o;
    }

    private Job job(Owned o) {
        return new Job(o.run.id(), o.run.client(), o.address, o.run.priority(), () -> execute(o));
    }

    /** A run the store holds unfinished and nothing owns (after a restart, or found by the reconciler). */
    private void adopt(StoredRun r, String message) {
        enqueue(r.withStatus(StoredRun.Status.QUEUED, message), false, r.client());
        try {
            store.setStatus(r.id(), StoredRun.Status.QUEUED, message, null);
        } catch (RuntimeException e) { // it stays owned; the store's RUNNING is unfinished all the same
            storeHealth.failed(e);
            LOG.log(
                    System.Logger.Level.WARNING,
                    "run " + r.id() + ": cannot record '" + message + "': " + e.getMessage());
        }
    }

    private void disown(Owned o) {
        if (owned.remove(o.run.id(), o)) {
            executor.remove(o.run.id());
            reads.ended(o.live);
        }
    }

    private void execute(Owned o) {
        String id = o.run.id();
        List<Owned> cohort = new ArrayList<>();
        List<RunExecution> executions = new ArrayList<>();
        synchronized (lock) {
            if (owned.get(id) != o || o.state != State.WAITING || closing) return; // cancelled or removed meanwhile
            StoredRun r;
            Claim claim;
            try {
                r = store.get(id).orElse(null);
                claim = r == null ? null : o.claim != null ? o.claim : claim(id);
            } catch (RuntimeException e) {
                pause(o, e, null);
                return;
            }
            if (r == null || claim == null) { // removed (cannot happen while owned), or another claim came first
                disown(o);
                return;
            }
            List<StoredRun> runs = new ArrayList<>(List.of(r));
            List<Claim> claims = new ArrayList<>(List.of(claim));
            cohort.add(o);
            claimCohort(o, cohort, runs, claims);
            Budgets.Cap cap = budgets.cap(runs);
            Cohort together = cohort.size() > 1 ? new Cohort(cohort.size()) : null;
            for (int m = 0; m < cohort.size(); m++) {
                Owned member = cohort.get(m);
                RunExecution ex = new RunExecution(
                        runs.get(m),
                        claims.get(m),
                        member.live,
                        store,
                        cfg.checkpointSeconds,
                        cap,
                        together == null ? null : together.join());
                member.ex = ex;
                member.state = State.RUNNING;
                executions.add(ex);
            }
        }
        if (cohort.size() == 1) {
            train(o, executions.get(0), true);
            return;
        }
        // virtual threads: a member waits at its cohort's barrier twice a step, and a virtual thread's park and
        // unpark cost a fraction of a platform thread's (a 16-member sweep trained ~2× faster on them)
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < cohort.size(); m++) {
            Owned member = cohort.get(m);
            RunExecution ex = executions.get(m);
            threads.add(
                    Thread.ofVirtual().name("groklab-cohort-" + member.run.id()).start(() -> train(member, ex, false)));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) { // the worker is being torn down: its members end with the shutdown
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Under the lock: adds to the cohort the runs of o's client waiting with o's batch key, oldest first, up to
     * {@code queue.batchMax} in all, each taken out of the executor (a run it no longer holds is being dispatched).
     */
    private void claimCohort(Owned o, List<Owned> cohort, List<StoredRun> runs, List<Claim> claims) {
        if (o.batchKey == null || cfg.batchMax <= 1 || shared) return; // a member claims one run per free worker
        List<Owned> candidates = owned.values().stream()
                .filter(c -> c != o
                        && c.state == State.WAITING
                        && c.run.client().equals(o.run.client())
                        && o.batchKey.equals(c.batchKey))
                .sorted(Comparator.comparingLong((Owned c) -> c.run.createdAt()).thenComparing(c -> c.run.id()))
                .toList();
        for (Owned c : candidates) {
            if (cohort.size() >= cfg.batchMax) return;
            StoredRun r;
            Claim claim;
            try {
                r = store.get(c.run.id()).orElse(null);
                claim = r == null ? null : claim(c.run.id());
            } catch (RuntimeException e) { // it keeps waiting: its own dispatch meets the store's trouble
                storeHealth.failed(e);
                return;
            }
            if (r == null || !executor.remove(c.run.id())) continue; // being dispatched: that claim supersedes this one
            if (claim == null) { // another claim came first
                disown(c);
                continue;
            }
            cohort.add(c);
            runs.add(r);
            claims.add(claim);
        }
    }

    /** Under the lock: claims the run for this member at its current epoch; null when another claim came first. */
    private Claim claim(String id) {
        return store.claimOf(id)
                .flatMap(k -> store.claim(id, cluster.memberId(), k.epoch()))
                .orElse(null);
    }

    /** Trains one run (alone, or as a member of a cohort on its own thread) and settles its ownership when it ends. */
    private void train(Owned o, RunExecution ex, boolean alone) {
        long t0 = System.nanoTime();
        RunExecution.Ending end;
        try {
            end = ex.execute();
        } catch (Throwable t) { // an Error the attempt does not handle: it still ends owned, as a pending failure
            String message = "failed: " + t;
            end = new RunExecution.Ending(
                    RunExecution.Ending.Kind.PAUSED,
                    StoredRun.Status.PAUSED,
                    null,
                    new IllegalStateException(message, t),
                    new RunExecution.Pending(StoredRun.Status.FAILED, message));
        }
        synchronized (lock) {
            o.ex = null;
            if (end.kind() == RunExecution.Ending.Kind.PAUSED) pause(o, end.cause(), end.pending());
            else disown(o);
            if (end.kind() == RunExecution.Ending.Kind.LOST) ownershipLost++;
            if (end.kind() == RunExecution.Ending.Kind.DONE && end.status() == StoredRun.Status.FINISHED)
                finishedHere++;
        }
        if (dispatcher != null) dispatcher.wake(); // a worker is free
        // a batched member's wall time is its cohort's, not its own: it would skew the estimates
        if (alone && end.status() == StoredRun.Status.FINISHED && !ex.resumed())
            estimates.observe(Configs.parse(o.run.config()), (System.nanoTime() - t0) / 1e9);
    }

    /** Under the lock: the run waits for the probe (its store row keeps the last good state). */
    private void pause(Owned o, RuntimeException cause, RunExecution.Pending pending) {
        boolean blocked = storeHealth.failed(cause);
        o.state = State.PAUSED;
        if (o.pending == null) o.pending = pending;
        executor.remove(o.run.id());
        o.live.end(
                StoredRun.Status.PAUSED,
                blocked ? storeHealth.pausedMessage() : "paused: " + cause.getMessage() + "; retried by itself");
    }

    /** A client's estimated seconds of training in flight (queued, running, paused) and its budget's setting. */
    public record InFlight(double seconds, double budget, String setting) {}

    /** What the in-flight budget counts for this client now (a sweep checks its members against it as a whole). */
    public InFlight inFlight(String client) {
        synchronized (lock) {
            double used = 0;
            if (shared) for (StoredRun r : sharedQueue.held(client)) used += budgets.seconds(r);
            else for (Owned o : owned.values()) if (o.run.client().equals(client)) used += budgets.seconds(o.run);
            return new InFlight(used, cfg.clientSecondsInFlight, Budgets.IN_FLIGHT);
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
                .existing(Submissions.configKey(Configs.canonical(rc), null))
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
        List<Owned> running;
        synchronized (lock) {
            running = owned.values().stream()
                    .filter(o -> o.state == State.RUNNING)
                    .toList();
        }
        double seconds = 0;
        for (Owned o : running) seconds += remainingSeconds(o);
        for (String other : ahead)
            seconds += reads.get(other).map(budgets::seconds).orElse(0.0);
        return seconds / executor.workers();
    }

    /** What a running run still needs: its live ETA, or its estimate less the part done. */
    private double remainingSeconds(Owned o) {
        Double eta = o.live.etaSeconds();
        return eta != null
                ? eta
                : budgets.seconds(o.run) * (1 - (double) o.live.progressStep() / Math.max(1, o.run.steps()));
    }

    /**
     * Cancels a queued, running or paused run; returns its status afterwards (empty: no such run): CANCELLED, RUNNING
     * (it stops at the next step), PAUSED (the store takes no writes: the cancel is kept and written when it does).
     */
    public Optional<StoredRun.Status> cancel(String id, String client) {
        synchronized (lock) {
            Optional<StoredRun> run = current(id);
            if (run.isEmpty()) return Optional.empty();
            requireCreator(run.get(), client, "cancel");
            Owned o = owned.get(id);
            if (o == null) return shared ? cancelElsewhere(id, client) : run.map(StoredRun::status);
            switch (o.state) {
                case RUNNING -> {
                    o.ex.stop(RunExecution.Stop.CANCEL);
                    return Optional.of(StoredRun.Status.RUNNING);
                }
                case WAITING, PAUSED -> {
                    String message =
                            o.state == State.WAITING ? "cancelled before it started" : "cancelled while paused";
                    try {
                        setStatus(o, StoredRun.Status.CANCELLED, message);
                    } catch (OwnershipLostException e) { // cluster mode: another member took it over meanwhile
                        o.live.end(StoredRun.Status.QUEUED, "taken over by another member");
                        disown(o);
                        return cancelElsewhere(id, client);
                    } catch (RuntimeException e) {
                        if (!storeHealth.failed(e)) throw e;
                        o.pending = new RunExecution.Pending(StoredRun.Status.CANCELLED, message);
                        if (o.state == State.WAITING) pause(o, e, o.pending);
                        return Optional.of(StoredRun.Status.PAUSED);
                    }
                    o.live.end(StoredRun.Status.CANCELLED, message);
                    disown(o);
                    return Optional.of(StoredRun.Status.CANCELLED);
                }
                default -> throw new IllegalStateException("unknown state " + o.state);
            }
        }
    }

    /**
     * Cluster mode, under the lock: cancels a run this member does not own. Its live owner is asked to cancel it (it
     * stops at its next step: RUNNING); a run nobody live holds (queued, or its member died) is claimed here and
     * cancelled under that claim, so a member claiming it at the same moment either trains nothing or is refused.
     */
    private Optional<StoredRun.Status> cancelElsewhere(String id, String client) {
        for (int attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
            Optional<StoredRun> run = store.get(id);
            Optional<Claim> current = store.claimOf(id);
            if (run.isEmpty() || current.isEmpty()) return Optional.empty();
            if (run.get().status().isFinal()) return Optional.of(run.get().status());
            String owner = current.get().owner();
            if (owner != null
                    && !owner.equals(cluster.memberId())
                    && cluster.liveMembers().contains(owner)) {
                cluster.sendCancel(owner, id, client);
                return Optional.of(StoredRun.Status.RUNNING);
            }
            Optional<Claim> mine =
                    store.claim(id, cluster.memberId(), current.get().epoch());
            if (mine.isEmpty()) continue; // claimed by another member meanwhile: ask its owner
            String message = run.get().status() == StoredRun.Status.QUEUED
                    ? "cancelled before it started"
                    : "cancelled after the member training it stopped";
            store.setStatus(mine.get(), StoredRun.Status.CANCELLED, message, null);
            return Optional.of(StoredRun.Status.CANCELLED);
        }
        return store.get(id).map(StoredRun::status); // it changed hands each time: whoever holds it now trains it
    }

    /** Claims taken in turn by other members before a cancel gives up (each is a run changing hands meanwhile). */
    private static final int CANCEL_ATTEMPTS = 3;

    /** Cluster mode: another member asks this one to cancel a run (on the upkeep thread: messaging must not wait). */
    private void cancelFromMember(String id, String client) {
        try {
            cancel(id, client);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "run " + id + ": cannot cancel it for another member: " + e);
        }
    }

    /** Under the lock: the status of a run owned here but held by no attempt (fenced by its claim in cluster mode). */
    private void setStatus(Owned o, StoredRun.Status status, String message) {
        if (o.claim != null) store.setStatus(o.claim, status, message, null);
        else store.setStatus(o.run.id(), status, message, null);
    }

    /** Removes a finished or stopped run (cancel it first); false if it is still live. */
    public boolean remove(String id, String client) {
        synchronized (lock) {
            Optional<StoredRun> run = current(id);
            if (run.isEmpty()) return true;
            requireCreator(run.get(), client, "remove");
            Owned o = owned.get(id);
            // a live status that is final was stored before it was shown (the attempt only has to let go): a client
            // that
            // saw CANCELLED and deletes at once is not told the run is still live
            if (o != null && !o.live.status().isFinal()) return false;
            if (o != null) disown(o);
            if (shared && !run.get().status().isFinal()) return false; // another member's
            store.remove(id);
            forget(id);
            if (shared) cluster.announceChanged(id);
            return true;
        }
    }

    /** Drops what this member cached of a run (removed, or queued again after it ended, here or on another member). */
    private void forget(String id) {
        reads.removed(id);
        submissions.removed(id);
    }

    /** A run as it is now: in cluster mode from the store (other members change runs this one has cached). */
    private Optional<StoredRun> current(String id) {
        return shared && plausibleId(id) ? store.get(id) : reads.get(id);
    }

    /** Only the client that started a run acts on it: an identical config posted by another gets a handle to read. */
    private static void requireCreator(StoredRun r, String client, String action) {
        if (!r.client().equals(client)) throw new NotCreatorException(action);
    }

    /** Someone other than a run's creator tried to change it. */
    public static final class NotCreatorException extends RuntimeException {
        NotCreatorException(String action) {
            super("only the client that started a run can " + action + " it");
        }
    }

    public int running() {
        return health().running();
    }

    /** "ok" or what is wrong with the store. */
    public String integrityCheck() {
        return store.integrityCheck();
    }

    /** Owned runs by state, and whether the store is healthy (what is wrong when it is not). */
    public Health health() {
        int running = 0, waiting = 0, paused = 0;
        synchronized (lock) {
            for (Owned o : owned.values())
                switch (o.state) {
                    case RUNNING -> running++;
                    case WAITING -> waiting++;
                    case PAUSED -> paused++;
                }
        }
        long free = storeHealth.freeBytes();
        List<String> problems = storeHealth.problems(free);
        return new Health(problems.isEmpty(), problems, storeHealth.isWritable(), free, running, waiting, paused);
    }

    /**
     * A store failure seen by a request (a lab written, a read of a damaged page): it counts towards health and the
     * probe; true when it is the store's condition (full, I/O, read-only, corrupt: a 503), false for anything else.
     */
    public boolean storeUnavailable(StoreException e) {
        storeHealth.failed(e);
        return e.writeBlocked() || e.kind() == StoreException.Kind.CORRUPT;
    }

    /**
     * Violations of the ownership invariant, for tests and the reconciler's log: runs the store calls QUEUED or
     * RUNNING that nothing owns, and owned runs the store no longer has unfinished (a run just finishing, RUNNING
     * here and final there, is not one).
     */
    public List<String> ownershipProblems() {
        synchronized (lock) {
            List<String> problems = new ArrayList<>();
            Map<String, StoredRun> unfinished = new HashMap<>();
            for (StoredRun r : store.unfinished()) unfinished.put(r.id(), r);
            for (StoredRun r : unfinished.values())
                if (!owned.containsKey(r.id()) && (!shared || claimedHere(r.id())))
                    problems.add("run " + r.id() + " is " + r.status() + " and unowned"
                            + (shared ? " here though this member holds its claim" : ""));
            for (Owned o : owned.values())
                if (o.state != State.RUNNING && !unfinished.containsKey(o.run.id()))
                    problems.add("run " + o.run.id() + " is owned (" + o.state + ") but not unfinished in the store");
            return problems;
        }
    }

    /** Runs the reconciler re-queued since start (0 unless something went wrong). */
    public long reconciled() {
        synchronized (lock) {
            return reconciled;
        }
    }

    /** The periodic part: the probe (resume paused runs once the store takes writes) and the reconciler. */
    private void upkeep() {
        try {
            probe();
            reconcile();
        } catch (RuntimeException e) {
            storeHealth.failed(e);
            LOG.log(System.Logger.Level.WARNING, "store upkeep: " + e.getMessage());
        }
    }

    /** Runs now, not at the next period (tests; an operator's nudge). */
    public void upkeepNow() {
        upkeep();
    }

    private void probe() {
        boolean anyPaused;
        synchronized (lock) {
            anyPaused = owned.values().stream().anyMatch(o -> o.state == State.PAUSED);
        }
        if (storeHealth.isWritable() && !anyPaused) return;
        if (!storeHealth.enoughSpace()) return; // resuming now would only fill the disk again
        store.probeWrite();
        storeHealth.writable();
        synchronized (lock) {
            if (closing) return;
            for (Owned o : List.copyOf(owned.values())) {
                if (o.state != State.PAUSED) continue;
                if (o.pending != null) {
                    try {
                        setStatus(o, o.pending.status(), o.pending.message());
                    } catch (OwnershipLostException e) { // taken over meanwhile: its new owner decides
                        LOG.log(System.Logger.Level.WARNING, e.getMessage());
                    }
                    o.live.end(o.pending.status(), o.pending.message());
                    disown(o);
                } else {
                    o.state = State.WAITING;
                    o.live.end(StoredRun.Status.QUEUED, "resuming: the store takes writes again");
                    executor.resubmit(job(o));
                }
            }
        }
    }

    /** Cluster mode: whether the store says this member holds the run's claim. */
    private boolean claimedHere(String id) {
        return store.claimOf(id).map(c -> cluster.memberId().equals(c.owner())).orElse(false);
    }

    /**
     * Re-queues what the store holds unfinished and nothing owns here. In cluster mode only the runs whose claim this
     * member holds are its business: they are released (owner NULL) for any member to claim, never adopted past the
     * claim; the runs other members hold are theirs, and those of dead members are claimed by the dispatchers.
     */
    private void reconcile() {
        if (shared) {
            releaseStray();
            dispatcher.wake();
            return;
        }
        synchronized (lock) {
            if (closing) return;
            for (StoredRun r : store.unfinished()) {
                if (owned.containsKey(r.id())) continue;
                reconciled++;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "run " + r.id() + " was " + r.status() + " in the store and owned by no worker; re-queued");
                adopt(r, "re-queued: no worker held it; it resumes from its last checkpoint");
            }
        }
    }

    private void releaseStray() {
        synchronized (lock) {
            if (closing) return;
            for (StoredRun r : store.unfinished()) {
                if (owned.containsKey(r.id())) continue;
                Optional<Claim> c = store.claimOf(r.id());
                if (c.isEmpty() || !cluster.memberId().equals(c.get().owner())) continue;
                reconciled++;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "run " + r.id() + " was " + r.status() + " in the store under this member's claim and owned"
                                + " by no worker here; released for any member");
                try {
                    store.setStatus(c.get(), StoredRun.Status.QUEUED, RELEASED, null);
                } catch (OwnershipLostException e) { // claimed by another member meanwhile: nothing to release
                    LOG.log(System.Logger.Level.DEBUG, e.getMessage());
                }
            }
        }
    }

    private static final String RELEASED = "released: no worker held it; it resumes from its last checkpoint";

    /**
     * Graceful stop: no new runs; running ones checkpoint and go back to QUEUED for the next start. In cluster mode
     * they are released (owner NULL) with the runs claimed here and not started, and the members are told, so the
     * others take them at once.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closing = true;
            for (Owned o : owned.values()) if (o.ex != null) o.ex.stop(RunExecution.Stop.SHUTDOWN);
            if (shared)
                for (Owned o : List.copyOf(owned.values())) if (o.state == State.WAITING && o.claim != null) release(o);
        }
        if (dispatcher != null) dispatcher.close();
        upkeep.shutdownNow();
        executor.close(10_000);
        if (shared) cluster.announceQueued();
    }

    /** Under the lock: gives a run claimed here and not started back to the cluster's queue. */
    private void release(Owned o) {
        try {
            store.setStatus(o.claim, StoredRun.Status.QUEUED, "released: its member is shutting down", null);
        } catch (RuntimeException e) { // claimed until this member leaves the cluster: then any member takes it
            LOG.log(System.Logger.Level.WARNING, "run " + o.run.id() + ": cannot release it: " + e.getMessage());
        }
        disown(o);
    }

    /** Cluster mode: attempts here that stopped because another member had claimed their run (stale claims). */
    public long ownershipLost() {
        synchronized (lock) {
            return ownershipLost;
        }
    }

    /** Attempts that trained their run to FINISHED here (a run computed twice would count on two members). */
    public long finishedHere() {
        synchronized (lock) {
            return finishedHere;
        }
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
