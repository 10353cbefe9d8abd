package lab.grokking.server.store;

import java.util.List;
import java.util.Optional;

/** Sweeps and their members' run ids. */
public interface SweepRepository {
    /** The sweep and one member row per run id (null: waiting), in the caller's unit of work. */
    void insert(StoredSweep sweep);

    Optional<StoredSweep> get(String id);

    /** A client's sweeps, newest first. */
    List<StoredSweep> list(String client, int limit);

    /** Sweeps not cancelled with a member still waiting for its run, oldest first. */
    List<StoredSweep> waiting();

    void setMemberRun(String sweepId, int index, String runId);

    void cancel(String id);
}
