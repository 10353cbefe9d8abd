package lab.grokking.server.cluster.process;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.server.TestServer;

/** The metric rows of a config run once, start to end, uninterrupted, in this JVM (single mode, its own SQLite). */
final class Reference {
    private static final Map<String, JsonNode> CACHE = new ConcurrentHashMap<>();

    private Reference() {}

    static JsonNode rows(Path dir, String config) {
        return CACHE.computeIfAbsent(config, c -> {
            try (TestServer s = new TestServer(dir.resolve("reference-" + Integer.toHexString(c.hashCode())))) {
                String id = s.start(c);
                JsonNode run = s.awaitEnd(id, 300);
                if (!run.get("status").asText().equals("FINISHED"))
                    throw new AssertionError("the reference run did not finish: " + run);
                return s.get("/api/runs/" + id + "/metrics").json().get("rows");
            }
        });
    }

    /** Whether the steps (column 0) of these rows strictly increase. */
    static boolean strictlyIncreasing(JsonNode rows) {
        double last = Double.NEGATIVE_INFINITY;
        for (JsonNode r : rows) {
            if (r.get(0).asDouble() <= last) return false;
            last = r.get(0).asDouble();
        }
        return true;
    }
}
