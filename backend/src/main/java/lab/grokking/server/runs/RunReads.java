package lab.grokking.server.runs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.core.Snapshot;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * The read model of runs: what the API, the streams and the views read, from memory where it can be (live runs, a
 * weight-bounded Caffeine cache of finished ones, of their metadata and snapshots) and from the store otherwise. The
 * run service tells it when a run goes live, ends or is removed.
 */
public final class RunReads {
    private final RunStore store;
    private final Map<String, LiveRun> active = new ConcurrentHashMap<>();
    private final Cache<String, LiveRun> finished;
    private final Cache<String, StoredRun> meta;
    private final Cache<String, Snapshot> snapshots;

    /** {@code cacheMaxBytes}: shared by finished runs' rows and snapshots, half each. */
    public RunReads(RunStore store, long cacheMaxBytes) {
        this.store = store;
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

    /** The run is queued: viewers follow {@code live} from now on. */
    void started(LiveRun live) {
        active.put(live.id(), live);
        finished.invalidate(live.id());
        meta.invalidate(live.id());
    }

    /** The run left the queue or its worker; its final state (if it has one) is served from the cache. */
    void ended(LiveRun live) {
        meta.invalidate(live.id());
        active.remove(live.id(), live);
        if (live.status().isFinal()) finished.put(live.id(), live);
    }

    /** The run was removed from the store. */
    void removed(String id) {
        finished.invalidate(id);
        meta.invalidate(id);
    }
}
