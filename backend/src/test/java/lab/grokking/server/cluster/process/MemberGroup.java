package lab.grokking.server.cluster.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import lab.grokking.server.store.TestPostgres;

/**
 * Up to a few members of one cluster on loopback over a fresh PostgreSQL database: every member is listed in every
 * member's {@code cluster.members} from the start (one started later joins through that list), and a majority of them
 * is the quorum ({@code cluster.minMembers}), so a member cut off alone claims nothing. Short heartbeats,
 * checkpoints every second and one worker each, so a test sees deaths and resumptions within seconds.
 */
public final class MemberGroup implements AutoCloseable {
    /** Heartbeat interval and the silence after which a member is declared dead (seconds). */
    public static final int HEARTBEAT_SECONDS = 1, MAX_NO_HEARTBEAT_SECONDS = 6;

    public final Path dir;
    public final StoreProbe store;
    private final String name = "groklab-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String jdbcUrl;
    private final TestPostgres pg;
    private final List<Integer> clusterPorts = new ArrayList<>();
    private final Map<String, String> extra;
    private final List<Member> members = new ArrayList<>();

    /** {@code size} member slots (ports reserved now); {@code extra} settings override the defaults below. */
    public MemberGroup(Path dir, int size, Map<String, String> extra) {
        this.dir = dir;
        this.extra = extra;
        pg = TestPostgres.shared();
        jdbcUrl = pg.newDatabase();
        store = new StoreProbe(jdbcUrl, pg.user(), pg.password());
        for (int i = 0; i < size; i++) clusterPorts.add(freePort());
    }

    /** Starts member {@code i} (0-based; named a, b, c, …) and waits until it serves HTTP. */
    public Member start(int i) {
        return up(launch(i));
    }

    /** Starts members 0 … n−1 at once, then waits for each. */
    public List<Member> startAll(int n) {
        List<Member> started = new ArrayList<>();
        for (int i = 0; i < n; i++) started.add(launch(i));
        for (Member m : started) up(m);
        return started;
    }

    private Member up(Member m) {
        try {
            return m.awaitUp(120);
        } catch (AssertionError e) {
            m.close();
            throw e;
        }
    }

    private Member launch(int i) {
        String n = String.valueOf((char) ('a' + i));
        Map<String, String> s = new LinkedHashMap<>();
        s.put("port", "0");
        s.put("dataDir", dir.resolve(n + "-data").toString());
        s.put("cluster.enabled", "true");
        s.put("cluster.name", name);
        s.put("cluster.port", clusterPorts.get(i).toString());
        s.put(
                "cluster.members",
                clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
        s.put("cluster.minMembers", Integer.toString(clusterPorts.size() / 2 + 1)); // a majority of the slots
        s.put("cluster.heartbeatSeconds", Integer.toString(HEARTBEAT_SECONDS));
        s.put("cluster.maxNoHeartbeatSeconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));
        s.put("store.url", jdbcUrl);
        s.put("store.user", pg.user());
        s.put("store.poolSize", "4");
        s.put("checkpointSeconds", "1");
        s.put("queue.workers", "1");
        s.put("queue.batchMax", "1"); // one run per claim: the tests count runs per member
        s.put("queue.perClientRunning", "64"); // every request of the tests comes from one client (127.0.0.1)
        s.put("queue.perClientQueued", "256");
        s.putAll(extra);
        Member m = Member.start(n, dir, s, Map.of("GROKLAB_STORE_PASSWORD", pg.password()));
        members.add(m);
        return m;
    }

    /** The members started so far, in start order. */
    public List<Member> members() {
        return members;
    }

    /** Every member's log tail, for a failure message. */
    public String logs(int lines) {
        StringBuilder b = new StringBuilder();
        for (Member m : members) b.append(m.logTail(lines));
        return b.toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        store.close();
        for (Member m : members) m.close();
    }
}
