package lab.grokking.server.sweeps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.OutcomeMetric;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;
import lab.grokking.server.store.StoredSweep;

/**
 * Sweeps: a base config × a grid over numeric fields × seeds, each member an ordinary run submitted through the run
 * service (de-duplicated, cached, queued fairly, recovered after a crash). The sweep and its members' run ids are
 * stored, so a report outlives a restart.
 *
 * <p>A client may have only queue.perClientQueued runs waiting, so members are fed to the run service in grid order
 * as places free up: a member waits (status {@link #WAITING}, no run yet) until then. The feeder tries every
 * {@link #FEED_MILLIS}; after a restart it goes on with the stored sweeps' waiting members.
 */
public final class SweepService implements AutoCloseable {
    /** Status of a member whose run is not submitted yet. */
    public static final String WAITING = "WAITING";

    /** Status of a member whose run was removed (DELETE /api/runs/{id}). */
    public static final String REMOVED = RunOutcomes.REMOVED;

    /** Period of the feeder. */
    static final long FEED_MILLIS = 200;

    /** Cluster mode: rounds of the feeder between looks at the stored sweeps other members posted (every ~5 s). */
    static final int ADOPT_ROUNDS = 25;

    /** Period at which a watcher looks for member changes. */
    static final long WATCH_MILLIS = 300;

    /** Sweeps a client's list shows. */
    static final int LIST_LIMIT = 100;

    private static final System.Logger LOG = System.getLogger(SweepService.class.getName());

    private final ServerConfig cfg;
    private final RunService runs;
    private final RunStore store;
    private final Object lock = new Object();
    private final Map<String, Sweep> waiting = new LinkedHashMap<>(); // guarded by lock: members left to submit
    private final Cache<String, Sweep> loaded =
            Caffeine.newBuilder().maximumSize(1_000).build();
    private final RunOutcomes outcomes;

    private final ScheduledExecutorService timer;
    /** Cluster mode: other members feed the same sweeps. */
    private final boolean shared;

    private long rounds; // guarded by lock

    /** A sweep in memory: its plan, and its members' run ids (null: waiting). */
    private static final class Sweep {
        final String id, client;
        final long createdAt;
        final SweepGrid.Plan plan;
        final AtomicReferenceArray<String> runIds;
        /** Per member: its config as JSON (the law reads α, λ and η from it). */
        final ObjectNode[] configs;

        volatile boolean cancelled;
        /** Why the feeder could not submit the next member (null: nothing refused it). */
        volatile String refusal;

        Sweep(StoredSweep s, SweepGrid.Plan plan) {
            id = s.id();
            client = s.client();
            createdAt = s.createdAt();
            this.plan = plan;
            runIds = new AtomicReferenceArray<>(s.runIds().toArray(new String[0]));
            cancelled = s.cancelled();
            int n = plan.members().size();
            configs = new ObjectNode[n];
            for (int i = 0; i < n; i++)
                configs[i] = Configs.toTree(plan.members().get(i).config());
        }

        boolean allSubmitted() {
            for (int i = 0; i < runIds.length(); i++) if (runIds.get(i) == null) return false;
            return true;
        }
    }

    public SweepService(ServerConfig cfg, RunService runs, RunStore store) {
        if (cfg.sweepMembers < 1)
            throw new IllegalArgumentException(SweepGrid.MEMBERS_LIMIT + " must be ≥ 1, got " + cfg.sweepMembers);
        this.cfg = cfg;
        this.runs = runs;
        this.store = store;
        this.outcomes = new RunOutcomes(runs);
        this.shared = runs.cluster().distributed();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "groklab-sweeps");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::feedAll, FEED_MILLIS, FEED_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Goes on feeding the stored sweeps' waiting members (after a restart; call after the run service's recover). */
    public void recover() {
        synchronized (lock) {
            for (StoredSweep s : store.waitingSweeps()) {
                Sweep sw = load(s);
                waiting.put(sw.id, sw);
                loaded.put(sw.id, sw);
            }
        }
    }

    /**
     * Validates the whole grid (every member's config, {@code limits.sweepMembers}, the client's in-flight budget)
     * and only then stores the sweep and submits its members; a {@link ConfigException} (422) names
     * {@code axes.<field>}, {@code members}, {@code seeds} or {@code base.<field>} and the limit.
     */
    public SweepReport submit(ObjectNode body, String client) {
        SweepGrid.Plan plan = SweepGrid.parse(body, cfg.limits, cfg.sweepMembers);
        Sweep s;
        synchronized (lock) {
            requireBudget(plan, client);
            List<String> runIds =
                    new ArrayList<>(Collections.nCopies(plan.members().size(), (String) null));
            for (SweepGrid.Planned m : plan.members()) // a member computed before opens at once
            runs.finishedRun(m.config()).ifPresent(r -> runIds.set(m.index(), r.id()));
            StoredSweep stored = new StoredSweep(
                    RunService.newId(), Json.write(plan.doc()), client, System.currentTimeMillis(), false, runIds);
            store.insertSweep(stored);
            s = new Sweep(stored, plan);
            loaded.put(s.id, s);
            if (!s.allSubmitted()) {
                waiting.put(s.id, s);
                try {
                    feed(s);
                } catch (RuntimeException e) { // stored already: the feeder goes on, a retried POST would duplicate it
                    s.refusal = e.getMessage();
                    LOG.log(System.Logger.Level.WARNING, "sweep " + s.id + ": " + e.getMessage());
                }
            }
        }
        return report(s);
    }

    /** Under the lock: the members' estimated seconds must fit the client's in-flight budget beside what it holds. */
    private void requireBudget(SweepGrid.Plan plan, String client) {
        double need = 0;
        for (SweepGrid.Planned m : plan.members()) need += runs.estimatedSeconds(m.config());
        double pending = 0; // members of the client's other sweeps not submitted yet
        for (Sweep other : waiting.values())
            if (other.client.equals(client))
                for (int i = 0; i < other.runIds.length(); i++)
                    if (other.runIds.get(i) == null)
                        pending += runs.estimatedSeconds(
                                other.plan.members().get(i).config());
        RunService.InFlight held = runs.inFlight(client);
        if (held.seconds() + pending + need <= held.budget()) return;
        throw new ConfigException(
                "members",
                "the sweep's " + plan.members().size() + " members are estimated at " + Durations.human(need)
                        + " of training; this client has " + Durations.human(held.seconds() + pending)
                        + " in flight (runs queued, running or paused, and members of its sweeps not yet started)"
                        + " and the budget is " + Durations.human(held.budget()) + " (" + held.setting() + " = "
                        + SweepGrid.plain(held.budget()) + "); choose fewer members, fewer steps or a smaller model,"
                        + " or wait for its runs to end");
    }

    /**
     * The feeder's round: each waiting sweep, oldest first; a client refused a place is not asked again this round. In
     * cluster mode every member feeds every waiting sweep (it picks up the stored ones every {@link #ADOPT_ROUNDS}
     * rounds), so a sweep goes on when the member it was posted to dies: a member's submission is idempotent (its
     * config's run, created once across members; see {@link #feed}).
     */
    private void feedAll() {
        try {
            synchronized (lock) {
                if (shared && rounds++ % ADOPT_ROUNDS == 0)
                    for (StoredSweep s : store.waitingSweeps())
                        if (!waiting.containsKey(s.id())) {
                            Sweep sw = load(s);
                            waiting.put(sw.id, sw);
                            loaded.put(sw.id, sw);
                        }
                Set<String> refused = new HashSet<>();
                for (Sweep s : List.copyOf(waiting.values())) {
                    if (refused.contains(s.client)) continue;
                    feed(s);
                    if (s.refusal != null) refused.add(s.client);
                }
            }
        } catch (RuntimeException e) { // the store refused a write: the next round tries again
            LOG.log(System.Logger.Level.WARNING, "sweep feeder: " + e.getMessage());
        }
    }

    /**
     * Under the lock: submits the sweep's waiting members in grid order until the queue or a budget refuses one. In
     * cluster mode it first reads what other members fed or cancelled; a member another member submits at the same
     * moment is one run all the same (the store keeps one run per config: the second submission answers EXISTING).
     */
    private void feed(Sweep s) {
        if (shared) refresh(s);
        for (int i = 0; i < s.runIds.length(); i++) {
            if (s.cancelled) break;
            if (s.runIds.get(i) != null) continue;
            RunService.Submission sub;
            try {
                sub = runs.submit(s.plan.members().get(i).config(), s.client);
            } catch (QueueLimitException e) { // a place in the queue, or the client's budget: later
                s.refusal = e.getMessage();
                return;
            }
            store.setSweepMemberRun(s.id, i, sub.run().id());
            s.runIds.set(i, sub.run().id());
        }
        s.refusal = null;
        waiting.remove(s.id);
    }

    /** Cluster mode: the members' runs and the cancel other members stored. */
    private void refresh(Sweep s) {
        store.sweep(s.id).ifPresent(stored -> {
            if (stored.cancelled()) s.cancelled = true;
            for (int i = 0; i < s.runIds.length(); i++) {
                String run = stored.runIds().get(i);
                if (run != null) s.runIds.set(i, run);
            }
        });
    }

    /** The sweep's report now (empty: no such sweep). */
    public Optional<SweepReport> report(String id) {
        return sweep(id).map(this::report);
    }

    private Optional<Sweep> sweep(String id) {
        if (!RunService.plausibleId(id)) return Optional.empty();
        synchronized (lock) {
            Sweep w = waiting.get(id);
            if (w != null) return Optional.of(w);
        }
        Sweep s = loaded.getIfPresent(id);
        if (s != null) return Optional.of(s);
        Optional<StoredSweep> stored = store.sweep(id);
        return stored.map(x -> loaded.get(id, k -> load(x)));
    }

    private static Sweep load(StoredSweep s) {
        return new Sweep(s, SweepGrid.fromDoc(Configs.readObject(s.doc(), "sweep")));
    }

    /** A client's sweeps, newest first (at most {@link #LIST_LIMIT}). */
    public List<SweepReport> list(String client) {
        List<SweepReport> out = new ArrayList<>();
        for (StoredSweep s : store.sweeps(client, LIST_LIMIT))
            sweep(s.id()).map(this::report).ifPresent(out::add);
        return out;
    }

    /**
     * Cancels the sweep (creator only): waiting members are never submitted, and every member run of this client
     * still queued, running or paused is cancelled (a run another client started, shared by de-duplication, is left
     * alone). Returns how many members it stopped; 0 for no such sweep.
     */
    public int cancel(String id, String client) {
        Optional<Sweep> found = sweep(id);
        if (found.isEmpty()) return 0;
        Sweep s = found.get();
        if (!s.client.equals(client)) throw new NotCreatorException();
        int stopped = 0;
        synchronized (lock) {
            if (!s.cancelled) {
                store.cancelSweep(id);
                s.cancelled = true;
                waiting.remove(id);
                for (int i = 0; i < s.runIds.length(); i++) if (s.runIds.get(i) == null) stopped++;
            }
        }
        for (int i = 0; i < s.runIds.length(); i++) {
            String run = s.runIds.get(i);
            if (run == null) continue;
            Optional<StoredRun> r = runs.get(run);
            if (r.isEmpty() || r.get().status().isFinal() || !r.get().client().equals(client)) continue;
            if (runs.cancel(run, client).isPresent()) stopped++;
        }
        return stopped;
    }

    /** Someone other than a sweep's creator tried to cancel it. */
    public static final class NotCreatorException extends RuntimeException {
        NotCreatorException() {
            super("only the client that started a sweep can cancel it");
        }
    }

    private SweepReport report(Sweep s) {
        TaskSpec<?> spec = TaskSpecs.get(s.plan.task());
        OutcomeMetric metric = spec.outcome();
        List<SweepReport.Member> members = new ArrayList<>();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) counts.put(o, 0);
        List<ObjectNode> configs = new ArrayList<>();
        List<Classification> outcomes = new ArrayList<>();
        boolean done = true;
        for (int i = 0; i < s.runIds.length(); i++) {
            SweepReport.Member m = member(s, i, spec, metric);
            members.add(m);
            counts.merge(m.classification().outcome(), 1, Integer::sum);
            done &= ended(m.status());
            configs.add(s.configs[i]);
            outcomes.add(m.classification());
        }
        LawFit law = RunOutcomes.law(configs, outcomes);
        return new SweepReport(
                s.id,
                s.plan.title(),
                s.plan.task(),
                s.createdAt,
                s.plan.axes(),
                s.plan.seeds(),
                List.copyOf(members),
                Collections.unmodifiableMap(counts),
                law,
                done);
    }

    /** Whether a member's status is one it keeps (the sweep is done when every member's is). */
    public static boolean ended(String status) {
        return switch (status) {
            case WAITING -> false;
            case REMOVED -> true;
            default -> StoredRun.Status.valueOf(status).isFinal();
        };
    }

    private SweepReport.Member member(Sweep s, int i, TaskSpec<?> spec, OutcomeMetric metric) {
        SweepGrid.Planned p = s.plan.members().get(i);
        String run = s.runIds.get(i);
        if (run == null) {
            String refusal = s.refusal;
            return new SweepReport.Member(
                    i,
                    null,
                    p.fields(),
                    p.seed(),
                    s.cancelled ? StoredRun.Status.CANCELLED.name() : WAITING,
                    0,
                    notFinished(
                            s.cancelled
                                    ? "the sweep was cancelled before this member started"
                                    : "waiting for a place in the queue"
                                            + (refusal == null ? "" : " (" + refusal + ")")),
                    Map.of());
        }
        RunOutcomes.Seen seen = outcomes.of(run, spec);
        return new SweepReport.Member(
                i, run, p.fields(), p.seed(), seen.status(), seen.fraction(), seen.classification(), seen.finals());
    }

    private static Classification notFinished(String reason) {
        return RunOutcomes.notFinished(reason);
    }

    /** The export's columns (see {@link SweepExport#columns}). */
    public List<String> exportColumns(SweepReport r) {
        return SweepExport.columns(r);
    }

    /** One row per member as JSON objects (see {@link SweepExport#rows}). */
    public List<Map<String, Object>> rows(SweepReport r) {
        return SweepExport.rows(r);
    }

    /** The same rows as CSV (see {@link SweepExport#csv}). */
    public String csv(SweepReport r) {
        return SweepExport.csv(r);
    }

    /**
     * Watches a sweep: {@code listener} hears the report now ({@link SweepListener#start}), then each member change
     * and the end. Close the handle to stop; empty when there is no such sweep.
     */
    public Optional<AutoCloseable> watch(String id, SweepListener listener) {
        Optional<Sweep> found = sweep(id);
        if (found.isEmpty()) return Optional.empty();
        Sweep sweep = found.get();
        SweepWatcher w = new SweepWatcher(() -> report(sweep), listener, timer, WATCH_MILLIS);
        w.start();
        return Optional.of(w);
    }

    /** The sweep presets of config/sweeps (id, title, description, preset or base, axes, seeds). */
    public List<ObjectNode> presets() {
        return SweepPresets.all();
    }

    /** Stops the feeder and the watchers. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
