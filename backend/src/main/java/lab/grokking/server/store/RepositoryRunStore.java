package lab.grokking.server.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;

/**
 * The {@link RunStore} of any dialect: it composes the repositories and makes the multi-table writes (a
 * checkpoint with its rows and snapshots, a final status with the last ones, a removal) one unit of work each.
 * A dialect supplies the repositories and its database ({@link SqliteRunStore}, {@link PostgresRunStore}).
 */
public class RepositoryRunStore implements RunStore {
    /** One dialect's repositories, all on the same database so that they can share its transactions. */
    public record Repositories(
            StoreDatabase db,
            RunRepository runs,
            MetricRepository metrics,
            SnapshotRepository snapshots,
            CheckpointRepository checkpoints,
            LabRepository labs,
            SweepRepository sweeps) {}

    /** The JDBC repositories on one database (SQLite's or PostgreSQL's: the dialect is the database's). */
    static Repositories jdbc(JdbcDatabase db) {
        return new Repositories(
                db,
                new JdbcRunRepository(db),
                new JdbcMetricRepository(db),
                new JdbcSnapshotRepository(db),
                new JdbcCheckpointRepository(db),
                new JdbcLabRepository(db),
                new JdbcSweepRepository(db));
    }

    private final StoreDatabase db;
    private final RunRepository runs;
    private final MetricRepository metrics;
    private final SnapshotRepository snapshots;
    private final CheckpointRepository checkpoints;
    private final LabRepository labs;
    private final SweepRepository sweeps;

    public RepositoryRunStore(Repositories r) {
        db = r.db();
        runs = r.runs();
        metrics = r.metrics();
        snapshots = r.snapshots();
        checkpoints = r.checkpoints();
        labs = r.labs();
        sweeps = r.sweeps();
    }

    @Override
    public void insert(StoredRun run) {
        runs.insert(run);
    }

    @Override
    public Optional<StoredRun> get(String id) {
        return runs.get(id);
    }

    @Override
    public Optional<StoredRun> findByKey(String configKey) {
        return runs.findByKey(configKey);
    }

    @Override
    public List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit) {
        return runs.list(client, task, status, offset, limit);
    }

    @Override
    public int count(String client, String task, StoredRun.Status status) {
        return runs.count(client, task, status);
    }

    @Override
    public List<StoredRun> createdSince(String client, long sinceMillis) {
        return runs.createdSince(client, sinceMillis);
    }

    @Override
    public List<StoredRun> unfinished() {
        return runs.unfinished();
    }

    @Override
    public void setStatus(String id, StoredRun.Status status, String message, List<String> columns) {
        runs.setStatus(id, status, message, columns, true);
    }

    @Override
    public List<Running> running(int limit) {
        return runs.running(limit);
    }

    @Override
    public Optional<Claim> claimOf(String id) {
        return runs.claimOf(id);
    }

    @Override
    public Optional<Claim> claim(String id, String owner, long expectedEpoch) {
        return runs.claim(id, owner, expectedEpoch)
                ? Optional.of(new Claim(id, owner, expectedEpoch + 1))
                : Optional.empty();
    }

    /** Candidates read per round of {@link #claimNext}, and rounds before it gives up to the next call. */
    private static final int CANDIDATES = 16, ROUNDS = 4;

    @Override
    public Optional<ClaimedRun> claimNext(String owner, Set<String> liveOwners) {
        for (int round = 0; round < ROUNDS; round++) {
            List<Claim> candidates = runs.claimable(liveOwners, CANDIDATES);
            if (candidates.isEmpty()) return Optional.empty();
            for (Claim c : candidates) {
                Optional<Claim> won = claim(c.runId(), owner, c.epoch());
                if (won.isEmpty()) continue; // another member came first: the next one
                Optional<StoredRun> run = runs.get(c.runId());
                if (run.isPresent()) return Optional.of(new ClaimedRun(run.get(), won.get()));
            }
        }
        return Optional.empty();
    }

    /** Runs {@code body} in one transaction whose first statement checks the claim (nothing written if it is stale). */
    private void fenced(Claim claim, String what, Runnable body) {
        db.inTransaction(what + " " + claim.runId(), () -> {
            runs.fence(claim);
            body.run();
        });
    }

    @Override
    public void setStatus(Claim claim, StoredRun.Status status, String message, List<String> columns) {
        fenced(claim, "set status of", () -> runs.setStatus(claim.runId(), status, message, columns, false));
    }

    @Override
    public void saveCheckpoint(Claim claim, Checkpoint cp, List<double[]> rows, List<Snapshot> snapshotList) {
        String id = claim.runId();
        fenced(claim, "checkpoint", () -> {
            requireNotRemoved(id);
            metrics.append(id, rows);
            snapshots.append(id, snapshotList);
            checkpoints.save(id, cp);
            runs.setProgress(id, cp.step());
            runs.recountStoredBytes(id, !snapshotList.isEmpty());
            Faults.inCheckpointTransaction();
        });
    }

    @Override
    public void finish(
            Claim claim,
            StoredRun.Status status,
            String message,
            String summary,
            String provenance,
            List<double[]> rows,
            List<Snapshot> snapshotList,
            boolean keepCheckpoint) {
        String id = claim.runId();
        fenced(claim, "finish", () -> {
            requireNotRemoved(id);
            metrics.append(id, rows);
            snapshots.append(id, snapshotList);
            runs.finish(id, status, message, summary, provenance, metrics.lastStep(id));
            if (!keepCheckpoint) checkpoints.delete(id);
            runs.recountStoredBytes(id, !snapshotList.isEmpty());
        });
    }

    /** Inside the write's transaction: a removed run is never written again, whoever still holds its id. */
    private void requireNotRemoved(String id) {
        if (runs.get(id).isEmpty())
            throw new IllegalStateException("run " + id + " was removed; nothing is written to it");
    }

    @Override
    public String kind() {
        return db.kind();
    }

    @Override
    public String location() {
        return db.location();
    }

    @Override
    public long freeBytes() {
        return db.freeBytes();
    }

    @Override
    public void probeWrite() {
        db.probeWrite();
    }

    @Override
    public Optional<Checkpoint> checkpoint(String id) {
        return checkpoints.find(id);
    }

    @Override
    public void truncateAfter(Claim claim, long step) {
        String id = claim.runId();
        fenced(claim, "truncate", () -> {
            metrics.deleteAfter(id, step);
            snapshots.deleteAfter(id, step);
            runs.recountStoredBytes(id, true);
        });
    }

    @Override
    public long storedBytes(String client, String exceptRun) {
        return runs.storedBytes(client, exceptRun);
    }

    @Override
    public List<double[]> metrics(String id) {
        return metrics.all(id);
    }

    @Override
    public List<SnapshotInfo> snapshots(String id) {
        return snapshots.list(id);
    }

    @Override
    public Optional<Snapshot> snapshot(String id, String name, long step) {
        return snapshots.get(id, name, step);
    }

    @Override
    public void remove(String id) {
        db.inTransaction("remove " + id, () -> {
            metrics.deleteAll(id);
            snapshots.deleteAll(id);
            checkpoints.delete(id);
            runs.markRemoved(id);
        });
    }

    @Override
    public String integrityCheck() {
        List<String> problems = new ArrayList<>();
        try {
            problems.addAll(db.integrityProblems());
            problems.addAll(checkpoints.problems());
            for (String id : runs.finishedWithoutLastRow()) problems.add("finished run " + id + " lacks its last row");
        } catch (IllegalStateException e) {
            problems.add(e.getMessage()); // the check itself failed: that is the answer
        }
        return problems.isEmpty() ? "ok" : String.join("; ", problems);
    }

    @Override
    public void insertLab(String id, String doc, String client, String teacherKeyHash) {
        labs.insert(id, doc, client, teacherKeyHash);
    }

    @Override
    public void updateLab(String id, String doc) {
        labs.update(id, doc);
    }

    @Override
    public Optional<String> labKeyHash(String id) {
        return labs.teacherKeyHash(id);
    }

    @Override
    public boolean insertLabRun(StoredLabRun row) {
        return labs.insertRun(row);
    }

    @Override
    public List<StoredLabRun> labRuns(String labId) {
        return labs.runs(labId);
    }

    @Override
    public List<StoredLabRun> labRunsOf(String labId, String client) {
        return labs.runsOf(labId, client);
    }

    @Override
    public int hideLabRun(String labId, String runId, boolean hidden) {
        return labs.setHidden(labId, runId, hidden);
    }

    @Override
    public Optional<String> lab(String id) {
        return labs.get(id);
    }

    @Override
    public void insertSweep(StoredSweep sweep) {
        db.inTransaction("insert sweep " + sweep.id(), () -> sweeps.insert(sweep));
    }

    @Override
    public Optional<StoredSweep> sweep(String id) {
        return sweeps.get(id);
    }

    @Override
    public List<StoredSweep> sweeps(String client, int limit) {
        return sweeps.list(client, limit);
    }

    @Override
    public List<StoredSweep> waitingSweeps() {
        return sweeps.waiting();
    }

    @Override
    public void setSweepMemberRun(String sweepId, int index, String runId) {
        sweeps.setMemberRun(sweepId, index, runId);
    }

    @Override
    public void cancelSweep(String id) {
        sweeps.cancel(id);
    }

    @Override
    public void close() {
        db.close();
    }
}
