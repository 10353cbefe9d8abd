package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import lab.grokking.core.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document describes exactly the routes the server has, and /api/health answers. */
class OpenApiTest {
    @Test
    void everyRouteIsDocumentedAndEveryDocumentedPathExists(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode doc = s.get("/api/openapi.json").json();
            assertEquals("3.0.3", doc.get("openapi").asText());
            Set<String> documented = new TreeSet<>();
            doc.get("paths")
                    .fields()
                    .forEachRemaining(e -> e.getValue()
                            .fieldNames()
                            .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + e.getKey())));
            Set<String> served = new TreeSet<>();
            for (var e : s.server.javalin().unsafe.internalRouter.allHttpHandlers()) {
                String method = e.endpoint.method.name();
                if (method.equals("GET") || method.equals("POST") || method.equals("DELETE") || method.equals("PUT"))
                    served.add(method + " /api" + e.endpoint.path.replaceAll("\\{(\\w+)}", "{$1}"));
            }
            served.add("GET /api/runs/{id}/stream"); // the WebSocket upgrades
            served.add("GET /api/sweeps/{id}/stream");
            assertEquals(served, documented);

            JsonNode health = s.get("/api/health").json();
            assertEquals("ok", health.get("status").asText());
            assertEquals(Provenance.CODE_VERSION, health.get("version").asText());
            TestServer.Response missing = s.get("/api/nothing-here");
            assertEquals(404, missing.status());
            assertTrue(missing.body().contains("openapi.json"), missing.body());
        }
    }

    /** The browser refusals and the admin check are part of the contract clients read. */
    @Test
    void theDocumentSaysWhatBrowsersAndTheAdminCheckNeed() throws Exception {
        JsonNode doc;
        try (var in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
            doc = lab.grokking.core.config.Configs.JSON.readTree(in);
        }
        int changing = 0;
        for (var path : (Iterable<java.util.Map.Entry<String, JsonNode>>)
                () -> doc.get("paths").fields())
            for (var op : (Iterable<java.util.Map.Entry<String, JsonNode>>)
                    () -> path.getValue().fields()) {
                if (!Set.of("post", "put", "patch", "delete").contains(op.getKey())) continue;
                changing++;
                JsonNode r = op.getValue().get("responses");
                String what = op.getKey() + " " + path.getKey();
                assertTrue(r.path("403").path("description").asText().contains("Origin"), what);
                assertTrue(r.path("415").path("description").asText().contains("Content-Type"), what);
            }
        assertEquals(
                11,
                changing); // POST runs, cancel, labs, lab runs, sweeps, sweep cancel, lab close, hide, unhide, share;
        // DELETE run
        JsonNode health = doc.at("/paths/~1api~1health/get");
        assertTrue(
                health.path("responses").has("401") && health.path("responses").has("403"));
        assertTrue(health.path("responses")
                .path("403")
                .path("description")
                .asText()
                .contains("admin.token"));
        assertEquals(
                "bearer",
                doc.at("/components/securitySchemes/adminToken/scheme").asText());
    }

    @Test
    void aClientOverItsQueueLimitGets429NamingTheLimit(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.perClientRunning = 1;
            cfg.perClientQueued = 1;
        })) {
            String running = s.start(TestServer.mcConfig(50_000_000, 1));
            while (!s.get("/api/runs/" + running).json().get("status").asText().equals("RUNNING")) TestServer.sleep(10);
            assertEquals(201, s.post("/api/runs", TestServer.mcConfig(1000, 2)).status());
            TestServer.Response over = s.post("/api/runs", TestServer.mcConfig(1000, 3));
            assertEquals(429, over.status(), over.body());
            assertEquals(
                    "perClientQueued",
                    over.json().get("problems").get(0).get("field").asText());
            assertTrue(over.headers().firstValue("Retry-After").isPresent());
            assertEquals(2, s.get("/api/runs").json().get("total").asInt(), "the refused run left nothing behind");
            s.post("/api/runs/" + running + "/cancel", "");
        }
    }

    @Test
    void aQueuedRunSaysItsPlaceAndWhenItStarts(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.workers = 1)) {
            String running = s.start(TestServer.mcConfig(50_000_000, 1));
            while (s.get("/api/runs/" + running)
                    .json()
                    .get("progress")
                    .get("eta_seconds")
                    .isNull()) TestServer.sleep(10);
            // the first ETAs come from the first, JIT-warming steps (152 s, then 69 s a moment later, in one CI run)
            TestServer.sleep(1000);
            String queued = s.start(TestServer.mcConfig(1000, 2));
            double etaBefore = eta(s, running);
            JsonNode progress = s.get("/api/runs/" + queued).json().get("progress");
            double etaAfter = eta(s, running);
            assertEquals(0, progress.get("queue_position").asInt(), progress.toString());
            // one worker and nothing else ahead: it starts when the running run ends, by that run's live ETA
            double start = progress.get("start_in_seconds").asDouble();
            double lo = Math.min(etaBefore, etaAfter), hi = Math.max(etaBefore, etaAfter);
            assertTrue(
                    lo > 1 && start > 0.5 * lo && start < 2 * hi,
                    progress + " vs ETA " + etaBefore + " then " + etaAfter);
            assertFalse(
                    s.get("/api/runs/" + running).json().get("progress").has("start_in_seconds"),
                    "only a queued run has one");
            s.post("/api/runs/" + queued + "/cancel", "");
            s.post("/api/runs/" + running + "/cancel", "");
        }
    }

    private static double eta(TestServer s, String run) {
        return s.get("/api/runs/" + run)
                .json()
                .get("progress")
                .get("eta_seconds")
                .asDouble();
    }
}
