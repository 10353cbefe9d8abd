package lab.grokking.server.cluster;

import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a run service needs of the other app instances: who is alive (the store's run owners are member ids), wake-ups
 * when a run is queued, and cancels sent to the member that trains a run. The single-JVM default is {@link Solo}; cluster
 * mode (Hazelcast) implements it in {@code HazelcastCluster}.
 */
public interface Cluster extends AutoCloseable {
    /** This member's id: the owner the store records for the runs it trains. */
    String memberId();

    /** Ids of the members this one sees, itself included. */
    Set<String> liveMembers();

    /** Whether runs submitted here may be trained by other members (false: a single JVM). */
    boolean distributed();

    /**
     * Whether this member sees enough members ({@code cluster.minMembers}) to claim runs: the minority side of a network
     * partition claims nothing, so a run is never trained on both sides.
     */
    boolean hasQuorum();

    /** Tells every member (this one included) that a run waits in the store: their dispatchers look at once. */
    void announceQueued();

    /** Called (on a messaging thread: return at once) when any member announced a queued run. */
    void onQueued(Runnable listener);

    /** Asks {@code member}, which trains {@code runId}, to cancel it on behalf of {@code client}. */
    void sendCancel(String member, String runId, String client);

    /** Called (on a messaging thread) with (run id, client) when another member asks this one to cancel a run. */
    void onCancel(BiConsumer<String, String> handler);

    /** Membership and state, for {@code GET /api/health} ("cluster"). */
    Map<String, Object> describe();

    @Override
    void close();
}
