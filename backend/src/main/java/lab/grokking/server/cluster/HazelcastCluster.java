package lab.grokking.server.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import com.hazelcast.topic.TopicOverloadPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Cluster mode: an embedded Hazelcast member that joins the others over TCP-IP with an explicit member list (no
 * multicast, no auto-detection, no phone-home). It gives membership (failure detection by heartbeats), quorum, the
 * "run queued" wake-up topic, "run changed" notices for the members' caches and cancels addressed to a run's owner;
 * the store stays the truth about runs.
 */
public final class HazelcastCluster implements Cluster {
    private static final System.Logger LOG = System.getLogger(HazelcastCluster.class.getName());
    static final String QUEUED_TOPIC = "groklab.queued";
    static final String CANCEL_TOPIC = "groklab.cancel";
    static final String CHANGED_TOPIC = "groklab.changed";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Run feeds are reliable topics named this plus the run id. */
    static final String FEED_PREFIX = "groklab.feed.";
    /** A reliable topic keeps its messages in the ringbuffer named this plus the topic's name. */
    static final String RINGBUFFER_PREFIX = "_hz_rb_";
    /**
     * Events a run's feed holds (one backup): a publisher sends at most 20 a second per run (the run service's
     * FeedPublisher.INTERVAL_MS), so the feed reaches back 100 s or more, far beyond the rows the store has yet to get
     * (checkpointSeconds); a follower that still misses some reads them from the store. Each event is small (a
     * progress tick, or the few rows of one evaluation).
     */
    static final int FEED_CAPACITY = 2_000;
    /**
     * Seconds an event stays in a feed: long past the store's copy of its rows (checkpointSeconds), and a backstop for
     * the feeds of runs whose member stopped before it dropped them.
     */
    static final int FEED_TTL_SECONDS = 600;
    /** At most this long to leave gracefully on {@link #close}. */
    static final int GRACEFUL_SHUTDOWN_SECONDS = 10;
    /** How long {@link #subscribe} waits for the events held at the call to be handed over. */
    static final long CATCH_UP_SECONDS = 5;

    /**
     * {@code port}: this member's Hazelcast port (0: a free one); {@code members}: host:port of the members to join
     * (empty: just this one); {@code minMembers}: the quorum; heartbeats as {@code hazelcast.heartbeat.interval.seconds}
     * and {@code hazelcast.max.no.heartbeat.seconds} (a member silent that long is declared dead).
     */
    public record Settings(
            String name,
            int port,
            List<String> members,
            int minMembers,
            int heartbeatSeconds,
            int maxNoHeartbeatSeconds) {
        public Settings {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("cluster.name must not be empty");
            if (port < 0 || port > 65_535)
                throw new IllegalArgumentException("cluster.port must be 0..65535 (0: a free one), not " + port);
            members = List.copyOf(members);
            if (minMembers < 1) throw new IllegalArgumentException("cluster.minMembers must be ≥ 1, not " + minMembers);
            if (heartbeatSeconds < 1)
                throw new IllegalArgumentException("cluster.heartbeatSeconds must be ≥ 1, not " + heartbeatSeconds);
            if (maxNoHeartbeatSeconds <= heartbeatSeconds)
                throw new IllegalArgumentException("cluster.maxNoHeartbeatSeconds must be > cluster.heartbeatSeconds ("
                        + heartbeatSeconds + "), not " + maxNoHeartbeatSeconds);
        }
    }

    /** A cancel for the run {@code runId}, meant for {@code member} only (every member receives the topic's messages). */
    record CancelMessage(String member, String runId, String client) {}

    private final HazelcastInstance hz;
    private final Settings settings;
    /** The last id read (Hazelcast gives a member a new one when it merges back after a split brain). */
    private volatile String memberId;

    private final ITopic<String> queued;
    private final ITopic<CancelMessage> cancels;
    private final ITopic<String> changed;

    private HazelcastCluster(HazelcastInstance hz, Settings settings) {
        this.hz = hz;
        this.settings = settings;
        this.memberId = hz.getCluster().getLocalMember().getUuid().toString();
        this.queued = hz.getTopic(QUEUED_TOPIC);
        this.cancels = hz.getTopic(CANCEL_TOPIC);
        this.changed = hz.getTopic(CHANGED_TOPIC);
    }

    /** Starts this member and joins the members listed (returns when it is part of a cluster, alone or not). */
    public static HazelcastCluster start(Settings s) {
        Config c = config(s);
        try {
            return new HazelcastCluster(Hazelcast.newHazelcastInstance(c), s);
        } catch (RuntimeException e) { // e.g. the port is taken: say which setting to change
            throw new IllegalStateException(
                    "cannot start the cluster member on cluster.port="
                            + c.getNetworkConfig().getPort() + ": " + e.getMessage(),
                    e);
        }
    }

    static Config config(Settings s) {
        Config c = new Config();
        c.setClusterName(s.name());
        c.setInstanceName("groklab-" + s.name() + "-" + INSTANCES.incrementAndGet()); // unique in this JVM
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(s.heartbeatSeconds()));
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(s.maxNoHeartbeatSeconds()));
        // training keeps the cores busy by design: the health monitor would log "high load" all day
        c.setProperty("hazelcast.health.monitoring.level", "OFF");
        // the server closes the cluster after its runs stopped; Hazelcast's own hook would leave before that
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a leaving member hands its partitions (live feeds only: the store holds the runs) over for at most this long,
        // not Hazelcast's 600 s default, which a member cut off from the others would wait out in full
        c.setProperty("hazelcast.graceful.shutdown.max.wait", Integer.toString(GRACEFUL_SHUTDOWN_SECONDS));
        NetworkConfig n = c.getNetworkConfig();
        n.setPort(s.port() == 0 ? freePort() : s.port()).setPortAutoIncrement(false);
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true).setMembers(s.members());
        // members all on this machine (the one-machine setup, the tests): advertise loopback, not a network address
        if (!s.members().isEmpty() && s.members().stream().allMatch(HazelcastCluster::loopback))
            c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        // a publisher never waits for followers: the oldest event makes room (followers are loss-tolerant)
        c.addReliableTopicConfig(
                new ReliableTopicConfig(FEED_PREFIX + "*").setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST));
        c.addRingBufferConfig(new RingbufferConfig(RINGBUFFER_PREFIX + FEED_PREFIX + "*")
                .setCapacity(FEED_CAPACITY)
                .setBackupCount(1)
                .setTimeToLiveSeconds(FEED_TTL_SECONDS));
        c.getSerializationConfig()
                .getCompactSerializationConfig()
                .addClass(CancelMessage.class)
                .addClass(FeedEvent.class);
        return c;
    }

    private static boolean loopback(String member) {
        String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
        return host.equals("localhost") || host.startsWith("127.");
    }

    /** A TCP port free on this machine now (for cluster.port=0, and for tests that list members before starting them). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for cluster.port=0", e);
        }
    }

    /** host:port other members reach this one at (for their {@code cluster.members}). */
    public String address() {
        var a = hz.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }

    /** The embedded member, for tests (to terminate it hard). */
    HazelcastInstance instance() {
        return hz;
    }

    /**
     * The Hazelcast member UUID. It changes when this member merges back into the cluster after a network partition
     * (Hazelcast gives it a new identity then): runs claimed under the old id look like a dead member's, are taken over
     * by the others, and the store's fencing stops the attempts still running here.
     */
    @Override
    public String memberId() {
        if (hz.getLifecycleService().isRunning()) {
            String now = hz.getCluster().getLocalMember().getUuid().toString();
            if (!now.equals(memberId))
                LOG.log(
                        System.Logger.Level.WARNING,
                        "this member's id changed from " + memberId + " to " + now
                                + " (merged back after a network partition): runs claimed under the old id are taken over");
            memberId = now;
        }
        return memberId;
    }

    @Override
    public Set<String> liveMembers() {
        if (!hz.getLifecycleService().isRunning()) return Set.of(memberId());
        Set<String> ids = new LinkedHashSet<>();
        for (Member m : hz.getCluster().getMembers()) ids.add(m.getUuid().toString());
        return ids;
    }

    @Override
    public boolean distributed() {
        return true;
    }

    @Override
    public boolean hasQuorum() {
        return hz.getLifecycleService().isRunning() && liveMembers().size() >= settings.minMembers();
    }

    @Override
    public void announceQueued() {
        queued.publish(memberId());
    }

    @Override
    public void onQueued(Runnable listener) {
        queued.addMessageListener(m -> guarded("a queued wake-up", listener));
    }

    @Override
    public void announceChanged(String runId) {
        changed.publish(runId);
    }

    @Override
    public void onChanged(Consumer<String> listener) {
        changed.addMessageListener(
                m -> guarded("the change of run " + m.getMessageObject(), () -> listener.accept(m.getMessageObject())));
    }

    @Override
    public void sendCancel(String member, String runId, String client) {
        cancels.publish(new CancelMessage(member, runId, client));
    }

    @Override
    public void onCancel(BiConsumer<String, String> handler) {
        cancels.addMessageListener(m -> {
            CancelMessage c = m.getMessageObject();
            if (memberId().equals(c.member()))
                guarded("the cancel of run " + c.runId(), () -> handler.accept(c.runId(), c.client()));
        });
    }

    /** A listener's failure is logged; it must not end Hazelcast's event thread's loop or hide later messages. */
    private static void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "handling " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(String runId, FeedEvent event) {
        hz.<FeedEvent>getReliableTopic(FEED_PREFIX + runId).publish(event);
    }

    @Override
    public Feed subscribe(String runId, Consumer<FeedEvent> handler) {
        ITopic<FeedEvent> topic = hz.getReliableTopic(FEED_PREFIX + runId);
        Ringbuffer<Object> held = hz.getRingbuffer(RINGBUFFER_PREFIX + FEED_PREFIX + runId);
        long head = held.headSequence(), tail = held.tailSequence(); // tail < head: it holds nothing
        CountDownLatch caughtUp = new CountDownLatch(tail >= head ? 1 : 0);
        UUID id = topic.addMessageListener(new ReliableMessageListener<FeedEvent>() {
            private long sequence = head - 1;

            @Override
            public long retrieveInitialSequence() {
                return head;
            }

            @Override
            public void storeSequence(long s) { // called before onMessage with the message's sequence
                sequence = s;
            }

            @Override
            public boolean isLossTolerant() {
                return true; // fell behind the ringbuffer: go on from the oldest held event (the store has the rows)
            }

            @Override
            public boolean isTerminal(Throwable failure) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "following the feed of run " + runId + " failed: " + failure.getMessage(),
                        failure);
                return false;
            }

            @Override
            public void onMessage(Message<FeedEvent> m) {
                handler.accept(m.getMessageObject());
                if (sequence >= tail) caughtUp.countDown();
            }
        });
        try {
            if (!caughtUp.await(CATCH_UP_SECONDS, TimeUnit.SECONDS))
                LOG.log(
                        System.Logger.Level.WARNING,
                        "run " + runId + "'s feed: the events held were not all handed over within " + CATCH_UP_SECONDS
                                + " s; the rest follow");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return () -> topic.removeMessageListener(id);
    }

    @Override
    public void dropFeed(String runId) {
        hz.getReliableTopic(FEED_PREFIX + runId).destroy();
        hz.getRingbuffer(RINGBUFFER_PREFIX + FEED_PREFIX + runId).destroy();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "cluster");
        m.put("name", settings.name());
        m.put("member", memberId());
        m.put("members", List.copyOf(liveMembers()));
        m.put("quorum", hasQuorum());
        m.put("minMembers", settings.minMembers());
        return m;
    }

    @Override
    public void close() {
        hz.shutdown(); // graceful: the others see it leave at once instead of after maxNoHeartbeatSeconds
    }
}
