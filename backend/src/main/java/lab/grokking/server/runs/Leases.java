package lab.grokking.server.runs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.RunStore;

/**
 * Cluster mode: a run keeps its owner while it makes progress in the store. Hazelcast declaring a member dead is not
 * enough to take its runs: after a split brain each side sees the other as dead, and both would take a run from each
 * other at every dispatch, neither ever finishing it. So a RUNNING run of an owner this member does not see is taken
 * only once neither its progress step (a checkpoint) nor its epoch (a claim) has moved for the lease, as this member
 * watched the store; a member that was paused or died stops moving them, one cut off but still training does not.
 */
final class Leases {
    /** Most RUNNING runs looked at per round (far above the workers of any cluster). */
    private static final int MAX_RUNNING = 10_000;

    private record Seen(long epoch, long step, long sinceNanos) {}

    private final long leaseNanos;
    private final LongSupplier nanos;
    private final Map<String, Seen> seen = new HashMap<>(); // guarded by this

    /**
     * The lease: {@code cluster.maxNoHeartbeatSeconds}, or twice {@code checkpointSeconds} when longer (a run
     * training normally shows progress at every checkpoint).
     */
    Leases(double maxNoHeartbeatSeconds, double checkpointSeconds, LongSupplier nanos) {
        this.leaseNanos = (long) (Math.max(maxNoHeartbeatSeconds, 2 * checkpointSeconds) * 1e9);
        this.nanos = nanos;
    }

    /**
     * The owners a claim must treat as live: the members {@code live} and every owner not among them whose RUNNING
     * run moved within the lease. Reads the store once (the RUNNING runs and their claims).
     */
    synchronized Set<String> holding(Set<String> live, RunStore store) {
        long now = nanos.getAsLong();
        Set<String> out = new HashSet<>(live);
        Map<String, Seen> next = new HashMap<>();
        for (RunStore.Running r : store.running(MAX_RUNNING)) {
            Claim c = r.claim();
            if (c.owner() == null) continue;
            Seen before = seen.get(c.runId());
            Seen current = before != null && before.epoch() == c.epoch() && before.step() == r.progressStep()
                    ? before
                    : new Seen(c.epoch(), r.progressStep(), now);
            next.put(c.runId(), current);
            if (now - current.sinceNanos() < leaseNanos) out.add(c.owner());
        }
        seen.clear();
        seen.putAll(next); // forgets runs no longer running
        return out;
    }
}
