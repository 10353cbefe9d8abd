package lab.grokking.server.runs;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import lab.grokking.core.Snapshot;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.Solo;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * The read model of runs: what the API, the streams and the views read, from memory where it can be (live runs, a
 * weight-bounded Caffeine cache of finished ones, of their metadata and snapshots) and from the store otherwise. The
 * run service tells it when a run goes live, ends or is removed. In cluster mode it publishes the runs live here on
 * their feeds and serves a run another member trains as a mirror of its feed.
 */
public final class RunReads {
    /** How long a finished run's feed is kept (for a viewer that read the run unfinished just before it ended). */
    static final long FEED_LINGER_SECONDS = 60;

    private static final System.Logger LOG = System.getLogger(RunReads.class.getName());

    private final RunStore store;
    private final Cluster cluster;
    private final ScheduledExecutorService feedThread; // null: a single JVM
    private final FeedPublisher publisher;
    private final Map<String, LiveRun> active = new ConcurrentHashMap<>();
    private final Map<String, FeedMirror> mirrors = new ConcurrentHashMap<>();
    private final Cache<String, LiveRun> finished;
    private final Cache<String, StoredRun> meta;
    private final Cache<String, Snapshot> snapshots;

    /** {@code cacheMaxBytes}: shared by finished runs' rows and snapshots, half each. */
    public RunReads(RunStore store, long cacheMaxBytes) {
        this(store, cacheMaxBytes, new Solo());
    }

    /** {@code cluster}: the members whose runs it mirrors and to which it publishes the runs live here. */
    public RunReads(RunStore store, long cacheMaxBytes, Cluster cluster) {
        this.store = store;
        this.cluster = cluster;
        feedThread = cluster.distributed()
                ? Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("groklab-feeds").factory())
                : null;
        publisher = feedThread == null ? null : new FeedPublisher(cluster, feedThread);
        finished = Caffeine.newBuilder()
                .maximumWeight(cacheMaxBytes / 2)
                .weigher((String k, LiveRun v) -> v.weight())
                .build();
        snapshots = Caffeine.newBuilder()
                .maximumWeight(cacheMaxBytes / 2)
                .weigher((String k, Snapshot s) -> 64 + s.values().length * Float.BYTES)
                .build();
        meta = Caffeine.newBuilder().maximumSize(10_000).build();
    }

    /** A run that was not removed. */
    public Optional<StoredRun> get(String id) {
        if (!RunService.plausibleId(id)) return Optional.empty();
        StoredRun m = meta.getIfPresent(id);
        if (m != null) return Optional.of(m);
        Optional<StoredRun> r = store.get(id);
        r.filter(x -> x.status().isFinal()).ifPresent(x -> meta.put(id, x)); // live runs change under us
        return r;
    }

    /**
     * The run's rows and status: live if it is queued or running (here, or mirrored from the member training it), else
     * from the cache or the store.
     */
    public Optional<LiveRun> live(String id) {
        LiveRun l = active.get(id);
        if (l != null) return Optional.of(l);
        FeedMirror m = mirrors.get(id);
        if (m != null) return Optional.of(m.live());
        Optional<StoredRun> r = get(id);
        if (r.isEmpty()) return Optional.empty();
        l = active.get(id); // it may have been queued again meanwhile
        if (l != null) return Optional.of(l);
        if (feedThread != null && !r.get().status().isFinal()) {
            try {
                m = mirrors.computeIfAbsent(id, k -> FeedMirror.open(r.get(), store, cluster, this::mirrorEnded));
            } catch (RuntimeException e) { // no feed to follow (this member is leaving the cluster): the store's rows
                LOG.log(System.Logger.Level.WARNING, "run " + id + ": cannot follow its feed: " + e.getMessage());
                return Optional.of(fromStore(r.get()));
            }
            if (m.live().status().isFinal()) mirrorEnded(m); // it ended while it was opened
            return Optional.of(m.live());
        }
        return Optional.of(finished.get(id, k -> fromStore(r.get())));
    }

    private LiveRun fromStore(StoredRun s) {
        LiveRun l = new LiveRun(s.id(), s.steps(), s.status(), s.message(), s.columns());
        l.load(store.metrics(s.id()));
        return l;
    }

    /** The store the runs are read from, for {@code GET /api/health} ("storage"): its engine and where it is. */
    public Map<String, Object> storage() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", store.kind());
        m.put("location", store.location());
        return m;
    }

    public List<RunStore.SnapshotInfo> snapshots(String id) {
        return store.snapshots(id);
    }

    /** A stored snapshot; requests for one not in the cache wait for a single load rather than each load a copy. */
    public Optional<Snapshot> snapshot(String id, String name, long step) {
        return Optional.ofNullable(snapshots.get(
                id + "/" + name + "/" + step,
                k -> store.snapshot(id, name, step).orElse(null)));
    }

    /** A client's runs (null: everyone's), newest first. */
    public List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit) {
        return store.list(client, task, status, offset, limit);
    }

    public int count(String client, String task, StoredRun.Status status) {
        return store.count(client, task, status);
    }

    // ---- what the run service tells it

    /**
     * The run is queued: viewers follow {@code live} from now on (those of a mirror opened before keep theirs: the
     * feed it follows now carries this member's events).
     */
    void started(LiveRun live) {
        active.put(live.id(), live);
        finished.invalidate(live.id());
        meta.invalidate(live.id());
        if (publisher != null) publisher.attach(live);
    }

    /** The run left the queue or its worker; its final state (if it has one) is served from the cache. */
    void ended(LiveRun live) {
        meta.invalidate(live.id());
        active.remove(live.id(), live);
        if (live.status().isFinal()) finished.put(live.id(), live);
        if (publisher == null) return;
        publisher.detach(live);
        if (!live.status().isFinal()) feedThread.execute(() -> follow(live)); // its viewers follow the next owner
        else {
            var unused = feedThread.schedule(() -> dropFeed(live.id()), FEED_LINGER_SECONDS, SECONDS); // logs failures
        }
    }

    /** Feeds {@code live}, which ended here unfinished, from the run's feed (unless the run is live here again). */
    private void follow(LiveRun live) {
        try {
            if (active.containsKey(live.id())) return;
            mirrors.computeIfAbsent(live.id(), k -> FeedMirror.follow(live, store, cluster, this::mirrorEnded));
        } catch (RuntimeException e) { // e.g. this member is shutting down
            LOG.log(
                    System.Logger.Level.WARNING,
                    "run " + live.id() + ": its viewers here cannot follow it further: " + e.getMessage());
        }
    }

    /** The run was removed from the store, or another member changed it: nothing cached of it stays. */
    void removed(String id) {
        finished.invalidate(id);
        meta.invalidate(id);
        FeedMirror m = mirrors.remove(id);
        if (m != null) m.close();
    }

    /** A mirror holds its run's final state: it is served from the cache like a run that ended here. */
    private void mirrorEnded(FeedMirror m) {
        feedThread.execute(
                () -> { // not on the messaging thread that told it: closing waits for that thread
                    m.close();
                    if (mirrors.remove(m.id(), m)) finished.put(m.id(), m.live());
                });
    }

    /** Drops a finished run's feed, unless the run was started again meanwhile (here or on another member). */
    private void dropFeed(String id) {
        try {
            if (active.containsKey(id)
                    || store.get(id).map(r -> !r.status().isFinal()).orElse(false)) return;
            cluster.dropFeed(id);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot drop run " + id + "'s feed: " + e.getMessage());
        }
    }
}
