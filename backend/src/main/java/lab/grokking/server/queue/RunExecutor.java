package lab.grokking.server.queue;

import java.util.List;

/**
 * Executes accepted runs: where they wait for a worker and which worker trains them. Accepting a run (the run service's
 * submissions) is separate from executing it: the in-process default is {@link FairQueue}; a cluster's executor, which
 * spreads runs over members, can replace it.
 */
public interface RunExecutor extends AutoCloseable {
    /** Queues a job; throws {@link QueueLimitException} when its client (or the queue) is full. */
    void submit(Job job);

    /** Queues a job the server already owed (a run resumed after a restart): no per-client limit applies. */
    void resubmit(Job job);

    /** Removes a job that has not started; false if it was not waiting. */
    boolean remove(String runId);

    /** Jobs of this client waiting and running. */
    int queued(String client);

    int running(String client);

    /** Ids of the waiting jobs dispatched before this one, in dispatch order (empty: it is next); null if it is not waiting. */
    List<String> ahead(String runId);

    /** Position (0 = next) of a waiting job among all waiting jobs in dispatch order, or −1. */
    default int position(String runId) {
        List<String> a = ahead(runId);
        return a == null ? -1 : a.size();
    }

    /** Runs trained at once. */
    int workers();

    /** Stops dispatching; returns once running jobs have returned or the timeout passed. */
    void close(long timeoutMillis);

    @Override
    default void close() {
        close(10_000);
    }
}
