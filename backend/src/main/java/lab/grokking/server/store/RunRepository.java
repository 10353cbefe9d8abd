package lab.grokking.server.store;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** The runs table: one row per run, hidden (not deleted) when removed. Each call is atomic; a caller's transaction is joined. */
public interface RunRepository {
    /** Adds a run; {@link DuplicateRunException} when its config key already has a run that was not removed. */
    void insert(StoredRun run);

    /** A run that was not removed. */
    Optional<StoredRun> get(String id);

    /** The newest run of this config key that was not removed. */
    Optional<StoredRun> findByKey(String configKey);

    /** Runs newest first, filtered by client, task and status (null: any). */
    List<StoredRun> list(String client, String task, StoredRun.Status status, int offset, int limit);

    int count(String client, String task, StoredRun.Status status);

    /** This client's runs created at or after {@code sinceMillis}, removed ones included, oldest first. */
    List<StoredRun> createdSince(String client, long sinceMillis);

    /** QUEUED and RUNNING runs, oldest first. */
    List<StoredRun> unfinished();

    /**
     * Sets the status (and message); RUNNING also records the start time and the metric columns, a final status the end
     * time, QUEUED releases the run (owner NULL); {@code revokeClaims}: the epoch moves on, so no claim taken before
     * writes again.
     */
    void setStatus(String id, StoredRun.Status status, String message, List<String> columns, boolean revokeClaims);

    /** Owner (null: none) and epoch of a run that was not removed. */
    Optional<Claim> claimOf(String id);

    /** Up to {@code limit} RUNNING runs (not removed) with their claims and progress. */
    List<RunStore.Running> running(int limit);

    /** The conditional claim: true when the run was QUEUED or RUNNING, not removed, and still at {@code expectedEpoch}. */
    boolean claim(String id, String owner, long expectedEpoch);

    /**
     * The first statement of every fenced write: holds the run's row for the transaction if the claim is current, else
     * throws {@link OwnershipLostException}.
     */
    void fence(Claim claim);

    /**
     * Up to {@code limit} runs nobody live trains (QUEUED not held by a live owner, or RUNNING under an owner not live),
     * as their current claims, in the queue's fair order: fewest runs of the client held by live owners (claimed or
     * RUNNING), then priority, then age, then id.
     */
    List<Claim> claimable(Set<String> liveOwners, int limit);

    void setProgress(String id, long step);

    /** Sets the final status, summary, provenance and end time, and the progress to {@code lastStep} if present. */
    void finish(
            String id,
            StoredRun.Status status,
            String message,
            String summary,
            String provenance,
            OptionalLong lastStep);

    /**
     * Recounts the bytes of the run's blobs (rows, snapshots, checkpoint) after a write that changed them; the
     * snapshots' only if {@code snapshotsChanged} (counting them reads them).
     */
    void recountStoredBytes(String id, boolean snapshotsChanged);

    /**
     * Bytes of blobs the client's runs hold in the store, leaving out the QUEUED and RUNNING ones (counted at their
     * estimate by whoever owns them) and {@code exceptRun} (null: none).
     */
    long storedBytes(String client, String exceptRun);

    /** Hides the run from every query. */
    void markRemoved(String id);

    /** Ids of FINISHED runs (not removed) without a metric row at their last step: a broken invariant. */
    List<String> finishedWithoutLastRow();
}
