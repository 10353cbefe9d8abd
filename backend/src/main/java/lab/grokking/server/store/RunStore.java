package lab.grokking.server.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;

/**
 * Durable home of runs, their metric rows, snapshots and checkpoints: the truth behind every cache. Each
 * method is atomic; rows and snapshots written with a checkpoint or a final status land together with it,
 * so after a crash the rows on disk are exactly those up to the last checkpoint (or all of a finished run).
 * {@link RepositoryRunStore} implements it over per-table repositories that a dialect supplies (SQLite: {@link SqliteRunStore}; PostgreSQL: {@link PostgresRunStore}).
 *
 * <p>Ownership: a run is trained under a {@link Claim} (owner, epoch) taken with a conditional update; every write the
 * attempt makes takes the claim as its first parameter and is refused with {@link OwnershipLostException}, writing
 * nothing, once the run's owner or epoch has moved on. The unfenced {@code setStatus(String, ...)} is for runs no attempt
 * holds; it moves the epoch on too, so a claim taken before it can write nothing afterwards.
 */
public interface RunStore extends AutoCloseable {
    /** Adds a run; throws {@link DuplicateRunException} when its config key already has a run that was not removed. */
    void insert(StoredRun run);

    /** A run that was not removed. */
    Optional<StoredRun> get(String id);

    /** The newest run of this config key that was not removed. */
    Optional<StoredRun> findByKey(String configKey);

    /** Runs newest first, filtered by task and status (null: any). */
    List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit);

    int count(String client, String task, StoredRun.Status status);

    /** This client's runs created at or after {@code sinceMillis}, removed ones included, oldest first (its budget). */
    List<StoredRun> createdSince(String client, long sinceMillis);

    /** QUEUED and RUNNING runs, oldest first: the work to resume after a restart. */
    List<StoredRun> unfinished();

    /**
     * Sets the status (and message) of a run no attempt holds (queued again, cancelled while waiting, a pending final
     * status written after a pause); RUNNING also records the start time and the metric columns. It moves the epoch
     * on (a claim taken before writes nothing more) and QUEUED releases the run (owner NULL).
     */
    void setStatus(String id, StoredRun.Status status, String message, List<String> columns);

    /** The current owner (null: none) and epoch of a run that was not removed. */
    Optional<Claim> claimOf(String id);

    /** A RUNNING run's claim and the step of its last checkpoint: what a lease watches. */
    record Running(Claim claim, long progressStep) {}

    /** Up to {@code limit} RUNNING runs (not removed) with their claims, in one read. */
    List<Running> running(int limit);

    /**
     * Claims a QUEUED or RUNNING run for {@code owner} if its epoch is still {@code expectedEpoch}: the new claim (epoch
     * + 1), or empty when another claim came first or the run is final or removed.
     */
    Optional<Claim> claim(String id, String owner, long expectedEpoch);

    /** A run just claimed, read after the claim. */
    record ClaimedRun(StoredRun run, Claim claim) {}

    /**
     * The cluster queue: claims for {@code owner} the next run that nobody live trains — QUEUED and not held by a live
     * owner, or RUNNING under an owner that is not live (its member died) — fairly: the client with the fewest runs
     * held by live owners (claimed or RUNNING) first, then lower priority value, then oldest, then id. Empty when there
     * is none (or every candidate was claimed by others first, a bounded number of times).
     */
    Optional<ClaimedRun> claimNext(String owner, Set<String> liveOwners);

    /**
     * Sets the status under a claim: RUNNING records the start time and the metric columns; QUEUED releases the run
     * (owner NULL: claimable at once); FAILED and CANCELLED are final. Throws {@link OwnershipLostException} (nothing
     * written) when the claim is stale.
     */
    void setStatus(Claim claim, StoredRun.Status status, String message, List<String> columns);

    /**
     * Appends rows and snapshots and replaces the checkpoint, in one transaction; refused for a removed run and (with
     * {@link OwnershipLostException}, nothing written) under a stale claim.
     */
    void saveCheckpoint(Claim claim, Checkpoint checkpoint, List<double[]> rows, List<Snapshot> snapshots);

    /**
     * Appends the last rows and snapshots and sets the final status, summary and provenance, in one transaction;
     * refused for a removed run and (with {@link OwnershipLostException}, nothing written) under a stale claim.
     */
    void finish(
            Claim claim,
            StoredRun.Status status,
            String message,
            String summary,
            String provenance,
            List<double[]> rows,
            List<Snapshot> snapshots,
            boolean keepCheckpoint);

    /** The run's checkpoint, if one was stored and its checksum holds. */
    Optional<Checkpoint> checkpoint(String id);

    /**
     * Deletes rows and step snapshots after {@code step}: what a crashed attempt left beyond its last checkpoint;
     * {@link OwnershipLostException} (nothing deleted) under a stale claim.
     */
    void truncateAfter(Claim claim, long step);

    List<double[]> metrics(String id);

    /** Names and steps of the run's snapshots, in (name, step) order. */
    List<SnapshotInfo> snapshots(String id);

    Optional<Snapshot> snapshot(String id, String name, long step);

    /** The engine: "sqlite" or "postgresql". */
    String kind();

    /** Where the data lives, in words for messages (SQLite: the data directory; "PostgreSQL at HOST:PORT/DB"). */
    String location();

    /** Bytes free for this process where the data lives (the disk a full store waits on); -1 when unknown (PostgreSQL). */
    long freeBytes();
    /**
     * Bytes of blobs (rows, snapshots, checkpoints) the client's runs hold, but the QUEUED and RUNNING ones and
     * {@code exceptRun} (null: none); from an index, without reading a blob.
     */
    long storedBytes(String client, String exceptRun);

    /** Commits a tiny write; throws a {@link StoreException} while the store cannot take writes (a full disk). */
    void probeWrite();

    /** Hides the run from every query (its data is deleted); nothing is written to it afterwards. */
    void remove(String id);

    /** "ok", or what is wrong (SQLite's integrity check plus the store's own invariants). */
    String integrityCheck();

    record SnapshotInfo(String name, long step, int rows, int cols) {}

    /** Stores a classroom lab (its JSON document) and its teacher key's hash. */
    void insertLab(String id, String doc, String client, String teacherKeyHash);

    /** A classroom lab's JSON document. */
    Optional<String> lab(String id);

    /** Replaces a classroom lab's JSON document. */
    void updateLab(String id, String doc);

    /** A lab's teacher key hash (empty: none, or no such lab). */
    Optional<String> labKeyHash(String id);

    /** Records a student's submission in a lab; false if that student already had this run there. */
    boolean insertLabRun(StoredLabRun row);

    /** A lab's submissions, oldest first. */
    List<StoredLabRun> labRuns(String labId);

    /** One student's submissions in a lab, oldest first. */
    List<StoredLabRun> labRunsOf(String labId, String client);

    /** Hides or shows a run's submissions in a lab; the number of rows changed. */
    int hideLabRun(String labId, String runId, boolean hidden);

    /** Stores a sweep and its member rows together. */
    void insertSweep(StoredSweep sweep);

    Optional<StoredSweep> sweep(String id);

    /** A client's sweeps, newest first, at most {@code limit}. */
    List<StoredSweep> sweeps(String client, int limit);

    /** Sweeps not cancelled with members still waiting for their runs, oldest first (resumed after a restart). */
    List<StoredSweep> waitingSweeps();

    /** The member's run, once submitted. */
    void setSweepMemberRun(String sweepId, int index, String runId);

    /** No member of this sweep is submitted any more. */
    void cancelSweep(String id);

    @Override
    void close();
}
