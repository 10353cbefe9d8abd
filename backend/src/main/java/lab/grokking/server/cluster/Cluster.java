package lab.grokking.server.cluster;

import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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

    /**
     * Tells every member (this one included) that run {@code runId} was removed, or queued again after it had ended:
     * what they cached of its final state is stale.
     */
    void announceChanged(String runId);

    /** Called (on a messaging thread: return at once) with the id of a run some member removed or queued again. */
    void onChanged(Consumer<String> listener);

    /** Asks {@code member}, which trains {@code runId}, to cancel it on behalf of {@code client}. */
    void sendCancel(String member, String runId, String client);

    /** Called (on a messaging thread) with (run id, client) when another member asks this one to cancel a run. */
    void onCancel(BiConsumer<String, String> handler);

    /**
     * Publishes a change of run {@code runId}'s live state to the members following it (from a publisher thread, never
     * a training thread: it may wait for the network; it never waits for a slow follower).
     */
    void publish(String runId, FeedEvent event);

    /**
     * Follows run {@code runId}'s feed: {@code handler} gets, in order on one messaging thread, every event the feed
     * still holds (the oldest first) and then each new one. Returns once the events held at the call were handed over
     * (or after a few seconds). Close the returned feed to stop following.
     */
    Feed subscribe(String runId, Consumer<FeedEvent> handler);

    /** Drops run {@code runId}'s feed and the events it holds: the run ended a while ago (a later publish starts anew). */
    void dropFeed(String runId);

    /** A subscription to a run's feed. */
    interface Feed extends AutoCloseable {
        @Override
        void close();
    }

    /** Membership and state, for {@code GET /api/health} ("cluster"). */
    Map<String, Object> describe();

    @Override
    void close();
}
