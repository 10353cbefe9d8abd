package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Classroom labs: the rules a teacher sets hold against hand-made requests; hidden fields never reach students. */
class LabsApiTest {
    static final String LAB = """
            {"preset": "fig3-classroom", "instructions": "Change the seed and the number of steps; watch the plateau.",
             "fields": {"steps": {"mode": "editable", "min": 100, "max": 200000}, "seed": {"mode": "editable"},
                        "lr": {"mode": "hidden"}, "alpha": {"mode": "locked"}}}""";

    @TempDir
    Path dir;

    TestServer s;

    @BeforeEach
    void start() {
        s = new TestServer(dir);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    String create() {
        TestServer.Response r = s.post("/api/labs", LAB);
        assertEquals(201, r.status(), r.body());
        String id = r.json().get("id").asText();
        assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
        assertEquals("/lab/" + id, r.json().get("link").asText());
        return id;
    }

    @Test
    void studentsSeeEditableAndLockedFieldsButNeverHiddenOnes() {
        String id = create();
        JsonNode lab = s.get("/api/labs/" + id).json();
        assertEquals(
                "Change the seed and the number of steps; watch the plateau.",
                lab.get("instructions").asText());
        JsonNode f = lab.get("fields");
        assertEquals("editable", f.get("steps").get("mode").asText());
        assertEquals(100, f.get("steps").get("min").asDouble());
        assertEquals(200000, f.get("steps").get("max").asDouble());
        assertEquals("locked", f.get("alpha").get("mode").asText());
        assertEquals("locked", f.get("d").get("mode").asText(), "a field without a rule is locked");
        assertFalse(f.has("lr"), "hidden: " + lab);
        assertFalse(s.get("/api/labs/" + id).body().contains("\"lr\""), "the hidden field's name appears nowhere");
    }

    @Test
    void aRunWithinTheRulesStartsAndFinishes() {
        String id = create();
        TestServer.Response r = s.post("/api/labs/" + id + "/runs", "{\"overrides\": {\"steps\": 2000, \"seed\": 7}}");
        assertEquals(201, r.status(), r.body());
        JsonNode run = s.awaitEnd(r.json().get("id").asText(), 60);
        assertEquals("FINISHED", run.get("status").asText(), run.toString());
        assertEquals(2000, run.get("config").get("steps").asLong());
        assertEquals(7, run.get("config").get("seed").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"overrides\": {\"alpha\": 100}}                | overrides.alpha | locked by this lab",
                "{\"overrides\": {\"lr\": 1}}                     | overrides.lr    | locked by this lab",
                "{\"overrides\": {\"d\": 50}}                     | overrides.d     | locked by this lab",
                "{\"overrides\": {\"steps\": 1000000}}            | overrides.steps | this lab allows [100, 200000], got 1000000",
                "{\"overrides\": {\"steps\": 10}}                 | overrides.steps | this lab allows [100, 200000], got 10",
                "{\"overrides\": {\"steps\": \"2000\"}}           | overrides.steps | must be a number",
                "{\"overrides\": {\"task\": \"diag\"}}            | overrides.task  | locked by this lab",
                "{\"overrides\": {\"seed\": -1}}                  | seed            | must be in [0, "
            })
    void tamperedRequestsAreRefusedNamingTheField(String body, String field, String message) {
        String id = create();
        TestServer.Response r = s.post("/api/labs/" + id + "/runs", body);
        assertEquals(422, r.status(), r.body());
        JsonNode problem = r.json().get("problems").get(0);
        assertEquals(field, problem.get("field").asText(), r.body());
        assertTrue(problem.get("message").asText().startsWith(message), r.body());
        assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nothing started");
    }

    @Test
    void aRunRequestMayCarryOnlyOverrides() {
        String id = create();
        TestServer.Response r = s.post("/api/labs/" + id + "/runs", "{\"preset\": \"fig1a-paper\"}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("preset"), r.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"preset\": \"nope\"}                                                        | preset",
                "{\"preset\": \"fig3-classroom\", \"extra\": 1}                                | extra",
                "{\"preset\": \"fig3-classroom\", \"fields\": {\"nope\": {\"mode\": \"hidden\"}}} | fields.nope",
                "{\"preset\": \"fig3-classroom\", \"fields\": {\"alpha\": {\"mode\": \"open\"}}}  | fields.alpha.mode",
                "{\"preset\": \"fig3-classroom\", \"fields\": {\"steps\": {\"mode\": \"editable\", \"min\": 5, \"max\": 1}}} | fields.steps",
                "{\"preset\": \"fig3-classroom\", \"fields\": {\"steps\": {\"mode\": \"editable\", \"min\": 1, \"max\": 10}}} | fields.steps",
                "{\"preset\": \"fig3-classroom\", \"fields\": {\"alpha\": {\"mode\": \"locked\", \"min\": 1}}} | fields.alpha",
                "{\"preset\": \"fig3-classroom\", \"instructions\": 5}                          | instructions"
            })
    void badLabsAreRefusedNamingTheField(String body, String field) {
        TestServer.Response r = s.post("/api/labs", body);
        assertEquals(422, r.status(), r.body());
        assertEquals(field, r.json().get("problems").get(0).get("field").asText(), r.body());
    }

    @Test
    void unknownLabsAre404() {
        assertEquals(404, s.get("/api/labs/AAAAAAAAAAAAAAAAAAAAAA").status());
        assertEquals(404, s.get("/api/labs/..%2F..%2Fetc").status());
        assertEquals(404, s.post("/api/labs/AAAAAAAAAAAAAAAAAAAAAA/runs", "{}").status());
    }

    @Test
    void aLabLinkCannotBeUsedToExceedThePerClientLimits(@TempDir Path other) {
        try (TestServer t = new TestServer(other, cfg -> {
            cfg.workers = 1;
            cfg.perClientRunning = 1;
            cfg.perClientQueued = 1;
        })) { // a quota above the per-client limits: those limits are what is checked here
            String lab = t.post(
                            "/api/labs",
                            LAB.replace("{\"preset\"", "{\"quota\": {\"running\": 10, \"total\": 10}, \"preset\""))
                    .json()
                    .get("id")
                    .asText();
            List<Integer> statuses = new ArrayList<>();
            for (int seed = 1; seed <= 4; seed++)
                statuses.add(t.post("/api/labs/" + lab + "/runs", "{\"overrides\": {\"seed\": " + seed + "}}")
                        .status());
            assertEquals(
                    List.of(201, 201, 429, 429), statuses, "one running, one queued, then the client's queue limit");
            TestServer.Response refused = t.post("/api/labs/" + lab + "/runs", "{\"overrides\": {\"seed\": 9}}");
            assertEquals(
                    "perClientQueued",
                    refused.json().get("problems").get(0).get("field").asText(),
                    refused.body());
        }
    }
}
