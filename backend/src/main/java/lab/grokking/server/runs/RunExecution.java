package lab.grokking.server.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.Cohort;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.OwnershipLostException;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoreException;
import lab.grokking.server.store.StoredRun;

/**
 * One attempt at a run on a worker thread: resumes from the stored checkpoint (dropping what a crashed attempt
 * wrote after it), feeds the live view, and writes rows and snapshots to the store only together with a
 * checkpoint or the final status, so the store never holds rows its checkpoint cannot reproduce. Every write is fenced
 * by the attempt's {@link Claim}: one the store refuses (another member took the run over) ends the attempt at once,
 * writing nothing more ({@link Ending.Kind#LOST}).
 */
final class RunExecution implements RunListener {
    /** Why a run is being stopped; OVERRUN: the attempt outran its {@link Budgets.Cap} (a cancel with the cap's message). */
    enum Stop {
        NONE,
        CANCEL,
        SHUTDOWN,
        OVERRUN
    }

    private final StoredRun run;
    /** The claim every write of this attempt is fenced by. */
    private final Claim claim;

    private final LiveRun live;
    private final RunStore store;
    private final long checkpointNanos;
    private final Budgets.Cap cap;
    private final long capNanos;
    private final List<double[]> pendingRows = new ArrayList<>();
    private final List<Snapshot> pendingSnapshots = new ArrayList<>();
    private final AtomicReference<Stop> stop = new AtomicReference<>(Stop.NONE);
    private long lastCheckpoint = System.nanoTime(), firstStep, checkpointStep, started = System.nanoTime();
    private double overrunSeconds; // set with Stop.OVERRUN, on the training thread
    private int polls;

    /** Whether this execution continued from a checkpoint. */
    boolean resumed() {
        return firstStep > 0;
    }

    /** Its seat in a cohort of runs trained together (null: solo). */
    private final Cohort.Member member;

    RunExecution(StoredRun run, Claim claim, LiveRun live, RunStore store, double checkpointSeconds, Budgets.Cap cap) {
        this(run, claim, live, store, checkpointSeconds, cap, null);
    }

    /** An attempt trained as this member of a cohort (null: solo); it leaves the cohort when it ends, however it ends. */
    RunExecution(
            StoredRun run,
            Claim claim,
            LiveRun live,
            RunStore store,
            double checkpointSeconds,
            Budgets.Cap cap,
            Cohort.Member member) {
        this.member = member;
        this.run = run;
        this.claim = claim;
        this.live = live;
        this.store = store;
        this.checkpointNanos = (long) (checkpointSeconds * 1e9);
        this.cap = cap;
        this.capNanos = cap.nanos();
    }

    StoredRun run() {
        return run;
    }

    LiveRun live() {
        return live;
    }

    void stop(Stop why) {
        stop.set(why);
    }

    /**
     * How an attempt ended: {@code DONE} with a status the store now holds; {@code PAUSED} when the store could not
     * take a write (it keeps the last good checkpoint; {@code cause} is the first error, later ones suppressed in it,
     * and {@code pending}, if set, is the final status still to be written); {@code SHUTDOWN} when the server stops;
     * {@code LOST} when the store refused a write because another claim holds the run (nothing more is written).
     */
    record Ending(Kind kind, StoredRun.Status status, String message, RuntimeException cause, Pending pending) {
        enum Kind {
            DONE,
            PAUSED,
            SHUTDOWN,
            LOST
        }
    }

    /** A final status decided but not yet written (the store refused it). */
    record Pending(StoredRun.Status status, String message) {}

    /** Trains to the end or until stopped; never throws (an Error other than OutOfMemoryError excepted). */
    Ending execute() {
        try {
            return attempt();
        } finally {
            if (member != null) member.leave(); // also when it failed before training: the others must not wait for it
        }
    }

    private Ending attempt() {
        try {
            Checkpoint cp = store.checkpoint(run.id()).orElse(null);
            firstStep = cp == null ? 0 : cp.step();
            checkpointStep = firstStep;
            // fenced, so first: a stale claim (its run taken over, maybe finished and its checkpoint deleted) stops
            // here, before a missing checkpoint is taken for a corrupt one
            store.truncateAfter(claim, cp == null ? -1 : cp.step());
            String discarded = cp == null && run.progressStep() > 0
                    ? "its checkpoint at step " + run.progressStep() + " failed its checksum; it restarted from step 0"
                    : null;
            if (discarded != null)
                System.getLogger(RunExecution.class.getName())
                        .log(System.Logger.Level.WARNING, "run " + run.id() + ": " + discarded);
            live.resumeFrom(store.metrics(run.id()));
            RunResult r = Configs.parse(run.config()).newTask(member).run(this, cp);
            Stop why = stop.get();
            if (why == Stop.SHUTDOWN && r.status() == RunStatus.CANCELLED) return shutdown(r);
            StoredRun.Status status = switch (r.status()) {
                case FINISHED -> StoredRun.Status.FINISHED;
                case DIVERGED -> StoredRun.Status.DIVERGED;
                case CANCELLED -> StoredRun.Status.CANCELLED;
            };
            String message = why == Stop.OVERRUN && status == StoredRun.Status.CANCELLED
                    ? cap.message(overrunSeconds, checkpointStep)
                    : r.message() != null ? r.message() : discarded;
            Map<String, Object> summary = new LinkedHashMap<>(r.summary());
            if (firstStep > 0) summary.put("resumed_from_step", firstStep); // timings cover the last attempt only
            if (discarded != null) summary.put("checkpoint_discarded", discarded);
            try {
                store.finish(
                        claim,
                        status,
                        message,
                        Json.write(summary),
                        Json.write(r.provenance().describe()),
                        pendingRows,
                        pendingSnapshots,
                        status == StoredRun.Status.CANCELLED);
            } catch (StoreException e) { // a cancel is kept; a finished run recomputes its tail from the checkpoint
                if (e.writeBlocked()) return paused(e, status == StoredRun.Status.CANCELLED ? owed(why) : null);
                throw e;
            }
            live.end(status, message);
            return new Ending(Ending.Kind.DONE, status, message, null, null);
        } catch (OwnershipLostException e) {
            return lost(e);
        } catch (StoreException e) {
            if (e.writeBlocked()) return paused(e, owed(stop.get()));
            return failed(e);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            return failed(e);
        }
    }

    private static final Pending CANCELLED = new Pending(StoredRun.Status.CANCELLED, "cancelled");

    /** The final status a stop still owes when the store refuses to record it (a shutdown owes none: it resumes). */
    private Pending owed(Stop why) {
        return switch (why) {
            case CANCEL -> CANCELLED;
            case OVERRUN -> new Pending(StoredRun.Status.CANCELLED, cap.message(overrunSeconds, checkpointStep));
            case NONE, SHUTDOWN -> null;
        };
    }

    private Ending shutdown(RunResult r) {
        String message = "interrupted by a server shutdown at step " + live.progressStep() + "; resumes on restart";
        try { // the rows up to here with their checkpoint (the loop saved one), so the restart loses nothing
            store.setStatus(claim, StoredRun.Status.QUEUED, message, null);
        } catch (StoreException e) { // the store still says RUNNING: resumed on restart all the same
            log(System.Logger.Level.WARNING, "cannot record the shutdown: " + e.getMessage(), null);
        }
        live.end(StoredRun.Status.QUEUED, message);
        return new Ending(Ending.Kind.SHUTDOWN, StoredRun.Status.QUEUED, message, null, null);
    }

    /** Another claim holds the run now: this attempt stops and writes nothing more. */
    private Ending lost(OwnershipLostException e) {
        System.getLogger(RunExecution.class.getName())
                .log(System.Logger.Level.WARNING, e.getMessage() + "; this attempt stops"); // names run, both claims
        live.end(StoredRun.Status.QUEUED, "taken over by another claim");
        return new Ending(Ending.Kind.LOST, StoredRun.Status.QUEUED, e.getMessage(), e, null);
    }

    private Ending paused(StoreException e, Pending pending) {
        log(System.Logger.Level.WARNING, "paused: " + e.getMessage(), e);
        return new Ending(Ending.Kind.PAUSED, StoredRun.Status.PAUSED, null, e, pending);
    }

    /** The run's own failure: recorded as FAILED, or kept pending (with the first cause) if the store refuses that too. */
    private Ending failed(Throwable e) {
        String message = "failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        log(System.Logger.Level.ERROR, message, e);
        try {
            store.setStatus(claim, StoredRun.Status.FAILED, message, null);
        } catch (OwnershipLostException lost) {
            return lost(lost);
        } catch (RuntimeException second) {
            e.addSuppressed(second);
            RuntimeException cause =
                    second instanceof StoreException s && s.writeBlocked() ? s : new IllegalStateException(message, e);
            return new Ending(
                    Ending.Kind.PAUSED,
                    StoredRun.Status.PAUSED,
                    null,
                    cause,
                    new Pending(StoredRun.Status.FAILED, message));
        }
        live.end(StoredRun.Status.FAILED, message);
        return new Ending(Ending.Kind.DONE, StoredRun.Status.FAILED, message, null, null);
    }

    private void log(System.Logger.Level level, String message, Throwable e) {
        System.getLogger(RunExecution.class.getName()).log(level, "run " + run.id() + " " + message, e);
    }

    @Override
    public void onStart(List<String> columns) {
        store.setStatus(claim, StoredRun.Status.RUNNING, null, columns);
        live.started(columns, firstStep);
        started = System.nanoTime(); // the cap counts training, not loading the checkpoint
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

    /** Polled every step: the clock is read every 16th poll only. */
    @Override
    public boolean cancelled() {
        if (stop.get() != Stop.NONE) return true;
        if ((++polls & 15) != 0) return false;
        long trained = System.nanoTime() - started;
        if (trained <= capNanos) return false;
        overrunSeconds = trained / 1e9;
        stop.compareAndSet(Stop.NONE, Stop.OVERRUN); // a cancel or shutdown that came first keeps its meaning
        return true;
    }

    @Override
    public boolean checkpointDue() {
        return System.nanoTime() - lastCheckpoint >= checkpointNanos;
    }

    @Override
    public void onCheckpoint(Checkpoint c) {
        store.saveCheckpoint(claim, c, pendingRows, pendingSnapshots);
        pendingRows.clear();
        pendingSnapshots.clear();
        lastCheckpoint = System.nanoTime();
        checkpointStep = c.step();
    }
}
