package lab.grokking.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Members in one JVM on loopback, each on a free port, with short heartbeats (1 s, dead after 4 s). */
class HazelcastClusterTest {
    static final int HEARTBEAT = 1, MAX_NO_HEARTBEAT = 4;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<HazelcastCluster> started = new ArrayList<>();
    private final String name = "test-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();

    @AfterEach
    void stop() {
        for (HazelcastCluster c : started) c.instance().getLifecycleService().terminate();
    }

    /** A member of this test's cluster on loopback; the first one lists itself, the others join the first. */
    HazelcastCluster member(int minMembers) {
        int port = started.isEmpty() ? HazelcastCluster.freePort() : 0;
        String first =
                started.isEmpty() ? "127.0.0.1:" + port : started.getFirst().address();
        HazelcastCluster c = HazelcastCluster.start(
                new HazelcastCluster.Settings(name, port, List.of(first), minMembers, HEARTBEAT, MAX_NO_HEARTBEAT));
        started.add(c);
        return c;
    }

    /** Polls until {@code condition} holds, failing after {@code seconds}: membership changes are asynchronous. */
    static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + seconds + " s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void everyMemberSeesTheSameMembers() throws Exception {
        HazelcastCluster a = member(1), b = member(1), c = member(3);
        assertTrue(a.address().startsWith("127.0.0.1:"), a.address());
        Set<String> ids = Set.of(a.memberId(), b.memberId(), c.memberId());
        assertEquals(3, ids.size(), "member ids are distinct");
        for (HazelcastCluster m : List.of(a, b, c))
            await(
                    "member " + m.memberId() + " sees all three",
                    10,
                    () -> m.liveMembers().equals(ids));
        assertTrue(a.distributed());
        assertTrue(c.hasQuorum(), "3 members reach minMembers=3");
        Map<String, Object> d = c.describe();
        assertEquals("cluster", d.get("mode"));
        assertEquals(name, d.get("name"));
        assertEquals(c.memberId(), d.get("member"));
        assertEquals(ids, Set.copyOf((List<?>) d.get("members")));
        assertEquals(true, d.get("quorum"));
        assertEquals(3, d.get("minMembers"));
    }

    @Test
    void membersThatLeaveOrDieDisappearAndTheLastOneLosesQuorum() throws Exception {
        HazelcastCluster a = member(2), b = member(2), c = member(2);
        await("three members", 10, () -> a.liveMembers().size() == 3);
        String bId = b.memberId();
        c.close(); // graceful: it says goodbye
        await("a graceful leave", 5, () -> a.liveMembers().equals(Set.of(a.memberId(), bId)));
        assertTrue(a.hasQuorum(), "2 members reach minMembers=2");
        b.instance().getLifecycleService().terminate(); // hard: no goodbye, heartbeats stop
        await(
                "a dead member declared dead after maxNoHeartbeatSeconds",
                MAX_NO_HEARTBEAT + 3,
                () -> a.liveMembers().equals(Set.of(a.memberId())));
        assertFalse(a.hasQuorum(), "1 member is below minMembers=2");
        assertEquals(false, a.describe().get("quorum"));
    }

    @Test
    void aQueuedWakeUpReachesEveryMember() throws Exception {
        HazelcastCluster a = member(1), b = member(1), c = member(1);
        await("three members", 10, () -> a.liveMembers().size() == 3);
        List<AtomicInteger> counts = new ArrayList<>();
        for (HazelcastCluster m : List.of(a, b, c)) {
            AtomicInteger n = new AtomicInteger();
            m.onQueued(n::incrementAndGet);
            counts.add(n);
        }
        b.announceQueued();
        b.announceQueued();
        await("two wake-ups on every member", 10, () -> counts.stream().allMatch(n -> n.get() == 2));
    }

    @Test
    void aChangeNoticeReachesEveryMember() throws Exception {
        HazelcastCluster a = member(1), b = member(1);
        await("two members", 10, () -> a.liveMembers().size() == 2);
        List<String> onA = new java.util.concurrent.CopyOnWriteArrayList<>(),
                onB = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.onChanged(onA::add);
        b.onChanged(onB::add);
        b.announceChanged("run-1");
        await("the notice on both", 10, () -> onA.equals(List.of("run-1")) && onB.equals(List.of("run-1")));
    }

    @Test
    void aCancelReachesOnlyItsTarget() throws Exception {
        HazelcastCluster a = member(1), b = member(1), c = member(1);
        await("three members", 10, () -> a.liveMembers().size() == 3);
        List<List<String>> got = new ArrayList<>();
        for (HazelcastCluster m : List.of(a, b, c)) {
            List<String> mine = new CopyOnWriteArrayList<>();
            m.onCancel((run, client) -> mine.add(run + " by " + client));
            got.add(mine);
        }
        a.sendCancel(b.memberId(), "run-1", "client-1");
        // markers after it: messages of one publisher arrive in order, so a member that has its marker saw run-1 too
        a.sendCancel(a.memberId(), "marker-a", "x");
        a.sendCancel(c.memberId(), "marker-c", "x");
        await("every member's message", 10, () -> got.stream().allMatch(l -> !l.isEmpty()));
        assertEquals(List.of("marker-a by x"), got.get(0));
        assertEquals(List.of("run-1 by client-1"), got.get(1));
        assertEquals(List.of("marker-c by x"), got.get(2));
    }

    /** An event with one row at {@code step} (the publisher's previous row one step before). */
    static FeedEvent event(long step) {
        return FeedEvent.of(
                step - 1,
                List.of(new double[] {step, step * 0.5}),
                new double[] {1000.0 + step},
                step,
                "RUNNING",
                null,
                List.of("step", "loss"));
    }

    static List<Long> steps(List<FeedEvent> events) {
        return events.stream().map(e -> (long) e.rowList().getFirst()[0]).toList();
    }

    @Test
    void aLateFollowerGetsTheHeldEventsInOrderThenTheNewOnes() throws Exception {
        HazelcastCluster a = member(1), b = member(1);
        await("two members", 10, () -> b.liveMembers().size() == 2);
        for (long s = 0; s < 5; s++) a.publish("run-1", event(s));
        List<FeedEvent> got = new CopyOnWriteArrayList<>();
        Cluster.Feed feed = b.subscribe("run-1", got::add);
        try {
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), steps(got), "held events, handed over before subscribe returns");
            FeedEvent first = got.getFirst();
            assertEquals(List.of("step", "loss"), first.columnList());
            assertEquals(1000.0, first.computedAt()[0]);
            assertEquals(0.0, first.rowList().getFirst()[1]);
            assertEquals("RUNNING", first.status());
            for (long s = 5; s < 8; s++) a.publish("run-1", event(s));
            await("the new events", 10, () -> got.size() == 8);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), steps(got));
        } finally {
            feed.close();
        }
        a.dropFeed("run-1");
        List<FeedEvent> after = new CopyOnWriteArrayList<>();
        Cluster.Feed again = b.subscribe("run-1", after::add);
        try {
            assertEquals(List.of(), after, "a dropped feed holds nothing");
            a.publish("run-1", event(9));
            await("an event published after the drop", 10, () -> after.size() == 1);
            assertEquals(List.of(9L), steps(after));
        } finally {
            again.close();
        }
    }

    @Test
    void anEventStatesItsShape() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new FeedEvent(0, 2, new double[3], new double[2], 0, "RUNNING", null, null));
        assertEquals("3 values are not 2 rows of 2", e.getMessage());
        FeedEvent none = FeedEvent.of(FeedEvent.NO_ROW, List.of(), new double[0], 0, "QUEUED", "waiting", null);
        assertEquals(List.of(), none.rowList());
        assertEquals(null, none.columnList());
    }

    @Test
    void aTakenPortNamesTheSetting() {
        HazelcastCluster a = member(1);
        int taken = Integer.parseInt(a.address().substring(a.address().lastIndexOf(':') + 1));
        var e = assertThrows(
                IllegalStateException.class,
                () -> HazelcastCluster.start(new HazelcastCluster.Settings(
                        name, taken, List.of(a.address()), 1, HEARTBEAT, MAX_NO_HEARTBEAT)));
        assertTrue(
                e.getMessage().startsWith("cannot start the cluster member on cluster.port=" + taken + ": "),
                e.getMessage());
    }

    @Test
    void badSettingsNameTheSettingAndTheLimit() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> new HazelcastCluster.Settings("g", 70_000, List.of(), 1, 1, 15));
        assertEquals("cluster.port must be 0..65535 (0: a free one), not 70000", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> new HazelcastCluster.Settings("g", 0, List.of(), 0, 1, 15));
        assertEquals("cluster.minMembers must be ≥ 1, not 0", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> new HazelcastCluster.Settings("g", 0, List.of(), 1, 5, 5));
        assertEquals("cluster.maxNoHeartbeatSeconds must be > cluster.heartbeatSeconds (5), not 5", e.getMessage());
    }
}
