package lab.grokking.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.TestServer;
import lab.grokking.server.store.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode through the composition root: settings refused at start, and two Hazelcast members over PostgreSQL. */
class ClusterServerTest {
    @Test
    void clusterModeWithoutAPostgresStoreIsRefusedAtStart(@TempDir Path dir) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new TestServer(dir, c -> c.clusterEnabled = true));
        assertEquals(
                "cluster.enabled=true requires a PostgreSQL store.url (jdbc:postgresql://HOST:PORT/DB): the members"
                        + " share their runs through it, and SQLite is one process's file",
                e.getMessage());
    }

    @Test
    void twoMembersOverOnePostgresStoreShareTheirRuns(@TempDir Path a, @TempDir Path b) {
        TestPostgres pg = TestPostgres.shared();
        String url = pg.newDatabase();
        int port = HazelcastCluster.freePort();
        Consumer<ServerConfig> member = c -> {
            c.storeUrl = url;
            c.storeUser = pg.user();
            c.storePassword = pg.password();
            c.clusterEnabled = true;
            c.clusterName = "server-test-" + port;
            c.clusterMembers = List.of("127.0.0.1:" + port);
            c.clusterMaxNoHeartbeatSeconds = 6;
            c.workers = 1;
            c.checkpointSeconds = 0.2;
            c.webUi = false;
        };
        try (TestServer first = new TestServer(a, c -> {
                    member.accept(c);
                    c.clusterPort = port;
                });
                TestServer second = new TestServer(b, c -> {
                    member.accept(c);
                    c.clusterPort = 0;
                })) {
            Cluster one = first.server.runs().cluster();
            ClusterRunsTest.await(() -> one.liveMembers().size() == 2, "the second member joins the first");
            assertEquals(Set.of(one.memberId(), second.server.runs().cluster().memberId()), one.liveMembers());
            // both posted to the first member; the second member's one worker takes one of them
            String r1 = first.start(TestServer.mcConfig(3_000_000, 1)),
                    r2 = first.start(TestServer.mcConfig(3_000_000, 2));
            ClusterRunsTest.await(
                    () -> first.server.runs().health().running() == 1
                            && second.server.runs().health().running() == 1,
                    "each member trains one");
            for (String id : List.of(r1, r2)) {
                JsonNode run = second.awaitEnd(id, 120); // read through the other member
                assertEquals("FINISHED", run.get("status").asText(), run.toString());
            }
            ClusterRunsTest.await(
                    () -> first.server.runs().health().running()
                                    + second.server.runs().health().running()
                            == 0,
                    "the members let go of the runs");
            assertEquals(1, first.server.runs().finishedHere(), "the first member trained one");
            assertEquals(1, second.server.runs().finishedHere(), "the second member trained the other");
        }
    }
}
