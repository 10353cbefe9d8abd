package lab.grokking.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.grokking.server.ServerConfig;
import org.junit.jupiter.api.Test;

/** The cluster.* and store.* settings: defaults, what is refused at start, and the workers a member trains on. */
class ClusterSettingsTest {
    /** Loads the settings with these -Dgroklab.KEY properties set for the call. */
    static ServerConfig load(Map<String, String> props, Map<String, String> env) {
        for (var e : props.entrySet()) System.setProperty("groklab." + e.getKey(), e.getValue());
        try {
            return ServerConfig.load(env);
        } finally {
            for (String k : props.keySet()) System.clearProperty("groklab." + k);
        }
    }

    @Test
    void theDefaultsAreASingleJvmOverSqlite() {
        ServerConfig c = load(Map.of(), Map.of());
        assertFalse(c.clusterEnabled);
        assertNull(c.storeUrl);
        assertEquals("groklab", c.clusterName);
        assertEquals(5701, c.clusterPort);
        assertEquals(List.of(), c.clusterMembers);
        assertEquals(1, c.clusterMinMembers);
        assertEquals(1, c.clusterHeartbeatSeconds);
        assertEquals(15, c.clusterMaxNoHeartbeatSeconds);
        assertEquals(8, c.storePoolSize);
        assertEquals(Runtime.getRuntime().availableProcessors(), c.workers);
    }

    @Test
    void clusterModeWithoutAPostgresStoreIsRefusedNamingBothKeys() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> load(Map.of("cluster.enabled", "true"), Map.of()));
        assertEquals(
                "cluster.enabled=true requires a PostgreSQL store.url (jdbc:postgresql://HOST:PORT/DB): the members"
                        + " share their runs through it, and SQLite is one process's file",
                e.getMessage());
    }

    @Test
    void aClusterMemberReadsItsSettingsAndKeepsACoreForHeartbeats() {
        ServerConfig c = load(
                Map.of(
                        "cluster.enabled", "true",
                        "store.url", "jdbc:postgresql://db:5432/groklab",
                        "store.user", "lab",
                        "cluster.members", "10.0.0.1:5701, 10.0.0.2:5701",
                        "cluster.minMembers", "2",
                        "cluster.port", "0",
                        "store.poolSize", "4"),
                Map.of("GROKLAB_STORE_PASSWORD", "s3cret"));
        assertTrue(c.clusterEnabled);
        assertEquals("jdbc:postgresql://db:5432/groklab", c.storeUrl);
        assertEquals("lab", c.storeUser);
        assertEquals("s3cret", c.storePassword);
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.clusterMembers);
        assertEquals(2, c.clusterMinMembers);
        assertEquals(0, c.clusterPort);
        assertEquals(4, c.storePoolSize);
        assertEquals(ServerConfig.clusterWorkers(Runtime.getRuntime().availableProcessors()), c.workers);
        assertEquals(1, ServerConfig.clusterWorkers(1));
        assertEquals(1, ServerConfig.clusterWorkers(2));
        assertEquals(15, ServerConfig.clusterWorkers(16));
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheLimit() {
        assertEquals(
                "store.url must be a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB) or empty for the embedded"
                        + " SQLite store, got 'jdbc:mysql://x/y'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> load(Map.of("store.url", "jdbc:mysql://x/y"), Map.of()))
                        .getMessage());
        assertEquals(
                "cluster.members: each entry must be HOST:PORT (port 1-65535), got '10.0.0.1'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> load(Map.of("cluster.members", "10.0.0.1"), Map.of()))
                        .getMessage());
        assertEquals(
                "cluster.maxNoHeartbeatSeconds (3) must be larger than cluster.heartbeatSeconds (5): a member is"
                        + " declared dead only after several missed heartbeats",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> load(
                                        Map.of("cluster.heartbeatSeconds", "5", "cluster.maxNoHeartbeatSeconds", "3"),
                                        Map.of()))
                        .getMessage());
        assertEquals(
                "cluster.enabled must be true or false, got 'yes'",
                assertThrows(IllegalArgumentException.class, () -> load(Map.of("cluster.enabled", "yes"), Map.of()))
                        .getMessage());
        assertEquals(
                "cluster.minMembers must be an integer in [1, 1000], got '0'",
                assertThrows(IllegalArgumentException.class, () -> load(Map.of("cluster.minMembers", "0"), Map.of()))
                        .getMessage());
    }
}
