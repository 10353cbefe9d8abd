package lab.grokking.server.runs;

import java.util.ArrayList;
import java.util.List;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * The queue limits of cluster mode, counted in the shared store (every member's runs), not in this member's executor:
 * a client's runs waiting ({@code queue.perClientQueued}), all runs waiting ({@code queue.maxQueued}), and what a
 * client holds unfinished for its budgets and disk quota. Two members admitting at the same moment may each let one
 * run past a limit: the limits bound load, they are not an invariant.
 */
final class SharedQueue {
    /** More unfinished runs than any client may hold (the per-client limits are far below it). */
    private static final int MAX_HELD = 100_000;

    private final ServerConfig cfg;
    private final RunStore store;

    SharedQueue(ServerConfig cfg, RunStore store) {
        this.cfg = cfg;
        this.store = store;
    }

    /** Throws {@link QueueLimitException} when a new run of this client would not fit the queue. */
    void requireRoom(String client) {
        int mine = store.count(client, null, StoredRun.Status.QUEUED);
        if (mine >= cfg.perClientQueued) throw QueueLimitException.perClientQueued(mine, cfg.perClientQueued);
        int all = store.count(null, null, StoredRun.Status.QUEUED);
        if (all >= cfg.maxQueued) throw QueueLimitException.maxQueued(all, cfg.maxQueued);
    }

    /** The client's runs queued or running on any member. */
    List<StoredRun> held(String client) {
        List<StoredRun> out = new ArrayList<>(store.list(client, null, StoredRun.Status.QUEUED, 0, MAX_HELD));
        out.addAll(store.list(client, null, StoredRun.Status.RUNNING, 0, MAX_HELD));
        return out;
    }
}
