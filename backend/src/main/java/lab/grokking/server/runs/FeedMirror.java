package lab.grokking.server.runs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.FeedEvent;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * A run another member trains, as viewers here see it (cluster mode): a LiveRun holding the store's rows, then fed
 * from the run's feed — from the oldest event the feed holds, rows de-duplicated by step — and, when a final status
 * arrives, the store's final state.
 */
final class FeedMirror {
    private static final System.Logger LOG = System.getLogger(FeedMirror.class.getName());

    private final RunStore store;
    private final LiveRun live;
    private final Consumer<FeedMirror> ended;
    private boolean done; // guarded by this
    private volatile Cluster.Feed feed;

    private FeedMirror(RunStore store, LiveRun live, Consumer<FeedMirror> ended) {
        this.store = store;
        this.live = live;
        this.ended = ended;
    }

    /**
     * Follows {@code run} (read from the store, not final); {@code ended} is told (on a messaging thread) once the
     * mirror holds the run's final state.
     */
    static FeedMirror open(StoredRun run, RunStore store, Cluster cluster, Consumer<FeedMirror> ended) {
        LiveRun live = new LiveRun(run.id(), run.steps(), run.status(), run.message(), run.columns());
        live.load(store.metrics(run.id()));
        if (run.status() == StoredRun.Status.RUNNING) // its pace (the ETA) is measured from here
        live.started(run.columns() == null ? List.of() : run.columns(), live.progressStep());
        return follow(live, store, cluster, ended);
    }

    /** Feeds {@code live} (holding the run's rows so far) from the run's feed, as {@link #open} does. */
    static FeedMirror follow(LiveRun live, RunStore store, Cluster cluster, Consumer<FeedMirror> ended) {
        FeedMirror m = new FeedMirror(store, live, ended);
        m.feed = cluster.subscribe(live.id(), m::apply);
        // it may have ended before the subscription, its feed already dropped
        store.get(live.id()).filter(r -> r.status().isFinal()).ifPresent(m::finish);
        return m;
    }

    LiveRun live() {
        return live;
    }

    String id() {
        return live.id();
    }

    void close() {
        synchronized (this) {
            done = true;
        }
        Cluster.Feed f = feed;
        if (f != null) f.close();
    }

    synchronized void apply(FeedEvent e) {
        if (done) return;
        try {
            StoredRun.Status s = StoredRun.Status.valueOf(e.status());
            if (s == StoredRun.Status.RUNNING && live.status() != StoredRun.Status.RUNNING) {
                List<String> cols = e.columnList() != null ? e.columnList() : live.columns();
                live.started(cols == null ? List.of() : cols, e.progressStep());
            }
            List<double[]> rows = e.rowList();
            if (!rows.isEmpty()) {
                if (e.afterStep() > live.lastStep()) fillFromStore(); // the feed lost events this mirror needed
                live.feed(rows, e.computedAt());
            }
            if (s == StoredRun.Status.RUNNING) live.progress(e.progressStep());
            else if (s.isFinal()) {
                Optional<StoredRun> stored =
                        store.get(live.id()).filter(r -> r.status().isFinal());
                if (stored.isPresent()) finish(stored.get());
                else finish(s, e.message()); // the store lags behind: keep what the owner said
            } else if (s != live.status() || !Objects.equals(e.message(), live.message())) live.end(s, e.message());
        } catch (RuntimeException ex) { // the next event or the store's final state repairs it
            LOG.log(
                    System.Logger.Level.WARNING,
                    "run " + live.id() + ": a feed event could not be applied: " + ex.getMessage(),
                    ex);
        }
    }

    private void fillFromStore() {
        long last = live.lastStep();
        live.feed(store.metrics(live.id()).stream().filter(r -> r[0] > last).toList(), null);
    }

    private synchronized void finish(StoredRun r) {
        if (done) return;
        fillFromStore();
        finish(r.status(), r.message());
    }

    private synchronized void finish(StoredRun.Status s, String message) {
        if (done) return;
        done = true;
        live.end(s, message);
        ended.accept(this);
    }
}
