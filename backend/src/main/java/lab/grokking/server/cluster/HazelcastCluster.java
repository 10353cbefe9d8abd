package lab.grokking.server.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Cluster mode: an embedded Hazelcast member that joins the others over TCP-IP with an explicit member list (no
 * multicast, no auto-detection, no phone-home). It gives membership (failure detection by heartbeats), quorum, the
 * "run queued" wake-up topic and cancels addressed to a run's owner; the store stays the truth about runs.
 */
public final class HazelcastCluster implements Cluster {
    private static final System.Logger LOG = System.getLogger(HazelcastCluster.class.getName());
    static final String QUEUED_TOPIC = "groklab.queued";
    static final String CANCEL_TOPIC = "groklab.cancel";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

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
    private final String memberId;
    private final ITopic<String> queued;
    private final ITopic<CancelMessage> cancels;

    private HazelcastCluster(HazelcastInstance hz, Settings settings) {
        this.hz = hz;
        this.settings = settings;
        this.memberId = hz.getCluster().getLocalMember().getUuid().toString();
        this.queued = hz.getTopic(QUEUED_TOPIC);
        this.cancels = hz.getTopic(CANCEL_TOPIC);
    }

    /** Starts this member and joins the members listed (returns when it is part of a cluster, alone or not). */
    public static HazelcastCluster start(Settings s) {
        return new HazelcastCluster(Hazelcast.newHazelcastInstance(config(s)), s);
    }

    static Config config(Settings s) {
        Config c = new Config();
        c.setClusterName(s.name());
        c.setInstanceName("groklab-" + s.name() + "-" + INSTANCES.incrementAndGet()); // unique in this JVM
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(s.heartbeatSeconds()));
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(s.maxNoHeartbeatSeconds()));
        // the server closes the cluster after its runs stopped; Hazelcast's own hook would leave before that
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig n = c.getNetworkConfig();
        n.setPort(s.port() == 0 ? freePort() : s.port()).setPortAutoIncrement(false);
        n.getRestApiConfig().setEnabled(false);
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true).setMembers(s.members());
        // members all on this machine (the one-machine setup, the tests): advertise loopback, not a network address
        if (!s.members().isEmpty() && s.members().stream().allMatch(HazelcastCluster::loopback))
            c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        c.getSerializationConfig().getCompactSerializationConfig().addClass(CancelMessage.class);
        return c;
    }

    private static boolean loopback(String member) {
        String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
        return host.equals("localhost") || host.startsWith("127.");
    }

    static int freePort() {
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

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public Set<String> liveMembers() {
        if (!hz.getLifecycleService().isRunning()) return Set.of(memberId);
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
        queued.publish(memberId);
    }

    @Override
    public void onQueued(Runnable listener) {
        queued.addMessageListener(m -> guarded("a queued wake-up", listener));
    }

    @Override
    public void sendCancel(String member, String runId, String client) {
        cancels.publish(new CancelMessage(member, runId, client));
    }

    @Override
    public void onCancel(BiConsumer<String, String> handler) {
        cancels.addMessageListener(m -> {
            CancelMessage c = m.getMessageObject();
            if (memberId.equals(c.member()))
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
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "cluster");
        m.put("name", settings.name());
        m.put("member", memberId);
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
