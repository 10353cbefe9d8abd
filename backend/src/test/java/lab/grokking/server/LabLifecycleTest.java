package lab.grokking.server;

import static lab.grokking.server.LabFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lab's lifecycle (expiry, cap, close) and its per-student quota, enforced on the server. */
class LabLifecycleTest {
    static final String A = "AAAAAAAAAAAAAAAAAAAAAA", B = "BBBBBBBBBBBBBBBBBBBBBB", C = "CCCCCCCCCCCCCCCCCCCCCC";

    @Test
    void theLifecycleSettingsAreValidatedNamingTheField(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.labMaxRuns = 100)) {
            assertRefused(s, "\"expires_at\":\"tomorrow\"", "expires_at", "ISO instant");
            assertRefused(s, "\"expires_at\":\"2001-01-01T00:00:00Z\"", "expires_at", "in the future");
            assertRefused(
                    s,
                    "\"expires_at\":\"" + Instant.now().plusSeconds(91 * 86400) + "\"",
                    "expires_at",
                    "at most 90 days ahead (labs.maxDays)");
            assertRefused(s, "\"max_runs\":101", "max_runs", "[1, 100] (labs.maxRuns)");
            assertRefused(s, "\"max_runs\":0", "max_runs", "[1, 100]");
            assertRefused(s, "\"max_runs\":10,\"quota\":{\"total\":11}", "quota.total", "[1, 10] (max_runs = 10)");
            assertRefused(s, "\"quota\":{\"running\":5,\"total\":3}", "quota.running", "[1, 3] (quota.total)");
            assertRefused(s, "\"quota\":{\"runs\":5}", "quota.runs", "unknown field");
            long before = System.currentTimeMillis();
            JsonNode lab = create(s, "").get("lab");
            long after = System.currentTimeMillis();
            assertEquals(100, lab.get("max_runs").asInt());
            assertEquals(2, lab.at("/quota/running").asInt(), "labs.quotaRunning");
            assertEquals(10, lab.at("/quota/total").asInt(), "labs.quotaTotal");
            // labs.defaultDays = 7 from the moment of creation (the ISO instant may drop the milliseconds)
            long expires = Instant.parse(lab.get("expires_at").asText()).toEpochMilli(), week = 7 * 86_400_000L;
            assertTrue(
                    before + week - 1000 <= expires && expires <= after + week,
                    "labs.defaultDays = 7: " + lab.get("expires_at") + " from " + Instant.ofEpochMilli(before));
            assertFalse(lab.get("closed").asBoolean());
        }
    }

    private static void assertRefused(TestServer s, String extra, String field, String message) {
        TestServer.Response r = s.post("/api/labs", lab(extra));
        assertEquals(422, r.status(), r.body());
        assertEquals(field, field(r), r.body());
        assertTrue(r.json().at("/problems/0/message").asText().contains(message), r.body());
    }

    @Test
    void anExpiredLabTakesNoRuns(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String lab = create(s, "\"expires_at\":\"" + Instant.now().plusMillis(1500) + "\"")
                    .get("id")
                    .asText();
            assertEquals(
                    201,
                    s.post("/api/labs/" + lab + "/runs", run(10, 1, 200, null), A)
                            .status());
            TestServer.Response r;
            do { // until the expiry passes (no timing asserted: what is checked is the refusal's content)
                TestServer.sleep(100);
                r = s.post("/api/labs/" + lab + "/runs", run(10, 2, 200, null), Clients.newToken());
            } while (r.status() == 201 || r.status() == 200);
            assertEquals(409, r.status(), r.body());
            assertEquals("expires_at", field(r));
            assertTrue(r.json().get("error").asText().startsWith("this lab expired at "), r.body());
            assertTrue(s.get("/api/labs/" + lab).json().get("expired").asBoolean());
        }
    }

    @Test
    void theCapCountsEveryStudentsSubmissions(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String lab = create(s, "\"max_runs\":2").get("id").asText();
            assertEquals(
                    201,
                    s.post("/api/labs/" + lab + "/runs", run(10, 1, 200, null), A)
                            .status());
            assertEquals(
                    201,
                    s.post("/api/labs/" + lab + "/runs", run(10, 2, 200, null), B)
                            .status());
            TestServer.Response r = s.post("/api/labs/" + lab + "/runs", run(10, 3, 200, null), C);
            assertEquals(409, r.status(), r.body());
            assertEquals("max_runs", field(r));
            assertEquals(
                    "this lab has reached its cap of 2 runs (max_runs); ask your teacher",
                    r.json().get("error").asText());
            assertEquals(2, s.get("/api/labs/" + lab).json().get("runs").asInt());
        }
    }

    @Test
    void closingRefusesNewRunsAndLetsRunningOnesFinish(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode created = create(s, "");
            String lab = created.get("id").asText(),
                    key = created.get("teacher_key").asText();
            String run = s.post("/api/labs/" + lab + "/runs", run(10, 1, 40_000, "Ada"), A)
                    .json()
                    .get("id")
                    .asText();
            awaitRunning(s, run);
            TestServer.Response closed = s.post("/api/labs/" + lab + "/close?key=" + key, "");
            assertEquals(200, closed.status(), closed.body());
            assertTrue(closed.json().get("closed").asBoolean());
            TestServer.Response r = s.post("/api/labs/" + lab + "/runs", run(30, 1, 200, "Bob"), B);
            assertEquals(409, r.status(), r.body());
            assertEquals("closed", field(r));
            assertEquals(
                    "this lab is closed: it takes no new runs",
                    r.json().get("error").asText());
            assertEquals("FINISHED", s.awaitEnd(run, 60).get("status").asText(), "the running one finishes");
            assertTrue(s.get("/api/labs/" + lab).json().get("closed").asBoolean());
        }
    }

    @Test
    void theQuotaHoldsPerStudentToken(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String lab =
                    create(s, "\"quota\":{\"running\":1,\"total\":2}").get("id").asText();
            String first = s.post("/api/labs/" + lab + "/runs", run(10, 1, 5_000_000, null), A)
                    .json()
                    .get("id")
                    .asText();
            TestServer.Response r = s.post("/api/labs/" + lab + "/runs", run(10, 2, 200, null), A);
            assertEquals(409, r.status(), r.body());
            assertEquals("quota.running", field(r));
            assertTrue(r.json().get("error").asText().contains("(quota.running = 1)"), r.body());
            assertEquals(
                    201,
                    s.post("/api/labs/" + lab + "/runs", run(10, 3, 200, null), B)
                            .status(),
                    "B has its own");
            s.post("/api/runs/" + first + "/cancel", "", A);
            s.awaitEnd(first, 30);
            String second = s.post("/api/labs/" + lab + "/runs", run(10, 2, 200, null), A)
                    .json()
                    .get("id")
                    .asText();
            s.awaitEnd(second, 30);
            r = s.post("/api/labs/" + lab + "/runs", run(10, 4, 200, null), A);
            assertEquals(409, r.status(), r.body());
            assertEquals("quota.total", field(r));
            assertEquals(
                    "you have started 2 runs in this lab, its limit per student (quota.total = 2)",
                    r.json().get("error").asText());
            assertEquals(
                    2,
                    s.get("/api/labs/" + lab + "/runs?mine", A)
                            .json()
                            .get("runs")
                            .size());
        }
    }
}
