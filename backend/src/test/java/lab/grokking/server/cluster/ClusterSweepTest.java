package lab.grokking.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.SweepsApiTest;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import lab.grokking.server.store.StoredSweep;
import lab.grokking.server.sweeps.SweepService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps in cluster mode: every member feeds every waiting sweep, so one posted on A goes on when A stops feeding it,
 * and two members feeding the same sweep at once create one run per member, never two.
 */
class ClusterSweepTest {
    static final String CLIENT = "teacher";
    static final int MEMBERS = 8;

    /** The store the members share (SQLite here; PostgreSQL in a subclass). */
    RunStore newStore(Path dir) {
        return new SqliteRunStore(dir);
    }

    static ServerConfig cfg() {
        ServerConfig c = ClusterRunsTest.cfg();
        c.perClientQueued = 2; // the sweep is fed two members at a time, over many rounds of both feeders
        return c;
    }

    static String body() {
        return SweepsApiTest.sweep("{\"lr\":[0.5]}", "[1,2,3,4,5,6,7,8]");
    }

    /** The sweep's members' runs once every member has one and every run has ended. */
    static List<String> awaitDone(RunStore store, String id) {
        ClusterRunsTest.await(
                () -> {
                    StoredSweep s = store.sweep(id).orElseThrow();
                    for (String run : s.runIds())
                        if (run == null
                                || !store.get(run).orElseThrow().status().isFinal()) return false;
                    return true;
                },
                "every member of the sweep has a run that ended");
        return store.sweep(id).orElseThrow().runIds();
    }

    void feedsOnce(Path dir, boolean postingMemberStops) {
        TestCluster net = new TestCluster(1);
        RunStore store = newStore(dir);
        try {
            ServerConfig c = cfg();
            RunService a = service(c, store, net.join("a")), b = service(c, store, net.join("b"));
            SweepService sa = new SweepService(c, a, store), sb = new SweepService(c, b, store);
            try {
                String id =
                        sa.submit(Configs.readObject(body(), "sweep"), CLIENT).id();
                if (postingMemberStops) sa.close(); // its feeder stops: b's picks the stored sweep up (within ~5 s)
                else sb.recover(); // b feeds it from now on too, both racing for every member
                List<String> runs = awaitDone(store, id);
                Set<String> distinct = new HashSet<>(runs);
                assertEquals(MEMBERS, distinct.size(), "one run per member: " + runs);
                assertEquals(MEMBERS, store.count(CLIENT, null, null), "no member got two runs");
                for (String run : runs) {
                    StoredRun r = store.get(run).orElseThrow();
                    assertNotNull(r);
                    assertEquals(StoredRun.Status.FINISHED, r.status(), r.message());
                }
                ClusterRunsTest.await(
                        () -> a.health().running() + b.health().running() == 0, "the members let go of the runs");
                assertEquals(MEMBERS, a.finishedHere() + b.finishedHere(), "each trained once");
            } finally {
                sa.close();
                sb.close();
                a.close();
                b.close();
            }
        } finally {
            net.close();
            store.close();
        }
    }

    static RunService service(ServerConfig c, RunStore store, Cluster member) {
        RunService s = new RunService(
                c,
                store,
                new FairQueue(c.workers, c.workers, c.perClientQueued, c.maxQueued),
                Estimates.inMemory(),
                member);
        s.recover();
        return s;
    }

    @Test
    void twoMembersFeedingOneSweepCreateOneRunPerMember(@TempDir Path dir) {
        feedsOnce(dir, false);
    }

    @Test
    void aSweepGoesOnWhenTheMemberItWasPostedToStopsFeedingIt(@TempDir Path dir) {
        feedsOnce(dir, true);
    }
}
