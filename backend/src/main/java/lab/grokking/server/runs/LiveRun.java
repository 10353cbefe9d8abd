package lab.grokking.server.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.server.cluster.FeedEvent;
import lab.grokking.server.store.StoredRun;

/**
 * The in-memory face of one run: its rows so far (each also as JSON, built once for every viewer), progress,
 * status, and the viewers to wake when something changes. A finished run's LiveRun is immutable and cached.
 * Viewers pull from it at their own pace, so a slow viewer costs no memory and never blocks training.
 */
public final class LiveRun {
    /** Woken (on the training thread: it must return at once) when rows, progress or status change. */
    public interface Viewer {
        void wake();
    }

    private final String id;
    private final long steps;
    private volatile List<String> columns;
    private final List<double[]> rows = new ArrayList<>();
    private final List<String> rowJson = new ArrayList<>();
    /** Epoch milliseconds each row was computed (0 for rows read back from the store). */
    private final List<Double> computedAt = new ArrayList<>();

    private volatile long progressStep, segmentFirstStep, segmentStartNanos;
    private static final long PROGRESS_WAKE_NANOS = 20_000_000;
    private long progressWokeAt = System.nanoTime() - PROGRESS_WAKE_NANOS; // the training thread's only
    private volatile StoredRun.Status status;
    private volatile String message;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();

    public LiveRun(String id, long steps, StoredRun.Status status, String message, List<String> columns) {
        this.id = id;
        this.steps = steps;
        this.status = status;
        this.message = message;
        this.columns = columns;
    }

    public String id() {
        return id;
    }

    public long steps() {
        return steps;
    }

    public List<String> columns() {
        return columns;
    }

    public StoredRun.Status status() {
        return status;
    }

    public String message() {
        return message;
    }

    public long progressStep() {
        return progressStep;
    }

    /** Seconds left at the current segment's pace (null before there is a pace). */
    public Double etaSeconds() {
        long done = progressStep - segmentFirstStep;
        if (status != StoredRun.Status.RUNNING || done <= 0) return null;
        double elapsed = (System.nanoTime() - segmentStartNanos) / 1e9;
        return elapsed / done * (steps - progressStep);
    }

    /** Rows from the store (a finished run); call before any viewer subscribes or with none. */
    synchronized void load(List<double[]> stored) {
        for (double[] r : stored) add(r, 0);
        if (!stored.isEmpty()) progressStep = (long) stored.getLast()[0];
    }

    /**
     * An attempt starts from the stored rows (those up to its checkpoint). Rows this live run already holds beyond them
     * are dropped: training is deterministic, so the attempt appends the same rows again, and a viewer that had them
     * just waits until the rows pass its position (it never sees one twice).
     */
    synchronized void resumeFrom(List<double[]> stored) {
        if (rows.size() >= stored.size()) {
            rows.subList(stored.size(), rows.size()).clear();
            rowJson.subList(stored.size(), rowJson.size()).clear();
            computedAt.subList(stored.size(), computedAt.size()).clear();
        } else {
            rows.clear();
            rowJson.clear();
            computedAt.clear();
            for (double[] r : stored) add(r, 0);
        }
        if (!stored.isEmpty()) progressStep = (long) stored.getLast()[0];
    }

    void started(List<String> cols, long firstStep) {
        columns = List.copyOf(cols);
        segmentFirstStep = firstStep;
        segmentStartNanos = System.nanoTime();
        progressStep = firstStep;
        status = StoredRun.Status.RUNNING;
        message = null;
        wakeAll();
    }

    void append(double[] row) {
        synchronized (this) {
            add(row, epochMillis());
        }
        wakeAll();
    }

    /** Now in epoch milliseconds with microsecond digits (stream latency is measured against it). */
    public static double epochMillis() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1e3 + t.getNano() / 1e6;
    }

    private void add(double[] row, double at) {
        rows.add(row);
        rowJson.add(Json.row(row));
        computedAt.add(at);
    }

    void progress(long step) {
        progressStep = step;
        // every 1024 steps, ~500 a second for a classroom run: viewers send at most 10 ticks a second (and the
        // stream's sweep sends a held-back one), so waking them more often than every 20 ms only costs training time
        long now = System.nanoTime();
        if (now - progressWokeAt < PROGRESS_WAKE_NANOS) return;
        progressWokeAt = now;
        wakeAll();
    }

    /** A status other than RUNNING: a final one, or PAUSED / QUEUED again after a pause (viewers stay). */
    void end(StoredRun.Status s, String msg) {
        status = s;
        message = msg;
        wakeAll();
    }

    // ---- feeding a run trained by another member (cluster mode), and publishing one trained here

    /** The step of the last row held ({@link FeedEvent#NO_ROW}: none). */
    synchronized long lastStep() {
        return rows.isEmpty() ? FeedEvent.NO_ROW : (long) rows.getLast()[0];
    }

    /**
     * Appends the rows past the last one held (another member computed them at {@code computedAt}, epoch ms; 0: read
     * from the store); rows it already holds are skipped, so a feed replayed or resumed from a checkpoint adds none
     * twice.
     */
    void feed(List<double[]> fed, double[] computedAt) {
        boolean added = false;
        synchronized (this) {
            for (int i = 0; i < fed.size(); i++) {
                double[] r = fed.get(i);
                if (!rows.isEmpty() && r[0] <= rows.getLast()[0]) continue;
                add(r, computedAt == null ? 0 : computedAt[i]);
                added = true;
            }
        }
        if (added) wakeAll();
    }

    /** The rows after {@code step}, with when each was computed. */
    synchronized Tail tailAfter(long step) {
        int from = indexAfter(step);
        double[] at = new double[rows.size() - from];
        for (int i = 0; i < at.length; i++) at[i] = computedAt.get(from + i);
        return new Tail(List.copyOf(rows.subList(from, rows.size())), at);
    }

    @SuppressWarnings("ArrayRecordComponent") // as FeedEvent carries it; never compared
    record Tail(List<double[]> rows, double[] computedAt) {}

    public synchronized int size() {
        return rows.size();
    }

    public synchronized List<double[]> rows() {
        return List.copyOf(rows);
    }

    /** Index of the first row with step > {@code step}. */
    public synchronized int indexAfter(long step) {
        int lo = 0, hi = rows.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (rows.get(mid)[0] <= step) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Up to {@code max} rows from index {@code from}, as one JSON message body fragment. */
    public synchronized Batch batch(int from, int max) {
        int to = Math.min(rows.size(), from + max);
        if (from >= to) return null;
        return new Batch(List.copyOf(rowJson.subList(from, to)), List.copyOf(computedAt.subList(from, to)), to);
    }

    public record Batch(List<String> rowJson, List<Double> computedAt, int next) {}

    /** Approximate bytes held, for the cache's weigher. */
    public synchronized int weight() {
        return 256 + rows.size() * (columns == null ? 1 : columns.size()) * 40;
    }

    public void subscribe(Viewer v) {
        viewers.add(v);
    }

    public void unsubscribe(Viewer v) {
        viewers.remove(v);
    }

    private void wakeAll() {
        for (Viewer v : viewers) v.wake();
    }
}
