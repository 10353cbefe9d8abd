package lab.grokking.server.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.Configs;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * One attempt at a run on a worker thread: resumes from the stored checkpoint (dropping what a crashed attempt
 * wrote after it), feeds the live view, and writes rows and snapshots to the store only together with a
 * checkpoint or the final status, so the store never holds rows its checkpoint cannot reproduce.
 */
final class RunExecution implements RunListener {
    /** Why a run is being stopped. */
    enum Stop {
        NONE,
        CANCEL,
        SHUTDOWN
    }

    private final StoredRun run;
    private final LiveRun live;
    private final RunStore store;
    private final long checkpointNanos;
    private final List<double[]> pendingRows = new ArrayList<>();
    private final List<Snapshot> pendingSnapshots = new ArrayList<>();
    private volatile Stop stop = Stop.NONE;
    private long lastCheckpoint = System.nanoTime(), firstStep;

    /** Whether this execution continued from a checkpoint. */
    boolean resumed() {
        return firstStep > 0;
    }

    RunExecution(StoredRun run, LiveRun live, RunStore store, double checkpointSeconds) {
        this.run = run;
        this.live = live;
        this.store = store;
        this.checkpointNanos = (long) (checkpointSeconds * 1e9);
    }

    StoredRun run() {
        return run;
    }

    LiveRun live() {
        return live;
    }

    void stop(Stop why) {
        stop = why;
    }

    /** Trains to the end; returns the status the store now holds. */
    StoredRun.Status execute() {
        try {
            Checkpoint cp = store.checkpoint(run.id()).orElse(null);
            firstStep = cp == null ? 0 : cp.step();
            store.truncateAfter(run.id(), cp == null ? -1 : cp.step());
            live.load(store.metrics(run.id()));
            RunResult r = Configs.parse(run.config()).newTask().run(this, cp);
            StoredRun.Status status = switch (r.status()) {
                case FINISHED -> StoredRun.Status.FINISHED;
                case DIVERGED -> StoredRun.Status.DIVERGED;
                case CANCELLED -> stop == Stop.SHUTDOWN ? StoredRun.Status.QUEUED : StoredRun.Status.CANCELLED;
            };
            String message = status == StoredRun.Status.QUEUED
                    ? "interrupted by a server shutdown at step " + live.progressStep() + "; resumes on restart"
                    : r.message();
            Map<String, Object> summary = new LinkedHashMap<>(r.summary());
            if (firstStep > 0) summary.put("resumed_from_step", firstStep); // timings cover the last attempt only
            store.finish(
                    run.id(),
                    status,
                    message,
                    Json.write(summary),
                    Json.write(r.provenance().describe()),
                    pendingRows,
                    pendingSnapshots,
                    !(status == StoredRun.Status.FINISHED || status == StoredRun.Status.DIVERGED));
            live.end(status, message);
            return status;
        } catch (RuntimeException | OutOfMemoryError e) {
            String message = "failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            System.getLogger(RunExecution.class.getName())
                    .log(System.Logger.Level.ERROR, "run " + run.id() + " " + message, e);
            store.setStatus(run.id(), StoredRun.Status.FAILED, message, null);
            live.end(StoredRun.Status.FAILED, message);
            return StoredRun.Status.FAILED;
        }
    }

    @Override
    public void onStart(List<String> columns) {
        store.setStatus(run.id(), StoredRun.Status.RUNNING, null, columns);
        live.started(columns, firstStep);
    }

    @Override
    public void onEvaluation(double[] row) {
        double[] copy = row.clone(); // one copy serves store and stream; neither changes it
        pendingRows.add(copy);
        live.append(copy);
    }

    @Override
    public void onSnapshot(Snapshot s) {
        pendingSnapshots.add(s);
    }

    @Override
    public void onProgress(long step, long totalSteps) {
        live.progress(step);
    }

    @Override
    public boolean cancelled() {
        return stop != Stop.NONE;
    }

    @Override
    public boolean checkpointDue() {
        return System.nanoTime() - lastCheckpoint >= checkpointNanos;
    }

    @Override
    public void onCheckpoint(Checkpoint c) {
        store.saveCheckpoint(run.id(), c, pendingRows, pendingSnapshots);
        pendingRows.clear();
        pendingSnapshots.clear();
        lastCheckpoint = System.nanoTime();
    }
}
