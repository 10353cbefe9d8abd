package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import lab.grokking.core.config.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POST/GET/DELETE /api/runs: de-duplication, strict input, metrics, paging, 404s that reveal nothing. */
class RunsApiTest {
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

    @Test
    void anIdenticalConfigReturnsTheExistingRunAndComputesNothing() {
        TestServer.Response first = s.post("/api/runs", TestServer.mcConfig(20000, 1));
        assertEquals(201, first.status(), first.body());
        String id = first.json().get("id").asText();
        assertEquals("created", first.json().get("outcome").asText());
        assertEquals("/api/runs/" + id, first.headers().firstValue("Location").orElseThrow());
        assertTrue(id.matches("[A-Za-z0-9_-]{22}"), "random 128-bit id: " + id);

        // same config with fields in another order and a default spelled out: same canonical form, same run
        TestServer.Response again = s.post(
                "/api/runs",
                "{\"seed\":1,\"steps\":20000,\"weightDecay\":0.01,\"lr\":0.1,\"observed\":0.4,\"d\":12,\"task\":\"mc\",\"alpha\":10}");
        assertEquals(200, again.status(), again.body());
        assertEquals(id, again.json().get("id").asText());
        assertEquals("existing", again.json().get("outcome").asText());

        JsonNode done = s.awaitEnd(id, 60);
        assertEquals("FINISHED", done.get("status").asText(), done.toString());
        double trained = done.get("summary").get("train_seconds").asDouble();
        TestServer.Response hit = s.post("/api/runs", TestServer.mcConfig(20000, 1));
        assertEquals(200, hit.status());
        assertEquals(id, hit.json().get("id").asText());
        assertEquals(1, s.get("/api/runs").json().get("total").asInt(), "no second run was created");
        assertEquals(0, s.server.runs().running());
        assertEquals(
                trained,
                s.get("/api/runs/" + id)
                        .json()
                        .get("summary")
                        .get("train_seconds")
                        .asDouble(),
                0.0,
                "not recomputed");

        TestServer.Response other = s.post("/api/runs", TestServer.mcConfig(20000, 2));
        assertEquals(201, other.status(), "another seed is another run");
        assertNotEquals(id, other.json().get("id").asText());
    }

    @Test
    void aFinishedRunCarriesItsConfigSummaryProvenanceAndMetrics() {
        String id = s.start(TestServer.mcConfig(20000, 3));
        JsonNode run = s.awaitEnd(id, 60);
        assertEquals(20000, run.get("config").get("steps").asLong());
        assertEquals(12, run.get("config").get("d").asInt());
        assertEquals(1.0, run.get("progress").get("fraction").asDouble());
        assertEquals(3, run.get("provenance").get("seed").asLong());
        assertEquals(
                run.get("code_version").asText(),
                run.get("provenance").get("code_version").asText());
        assertTrue(
                run.get("summary")
                                .get("task")
                                .get("late_predictor")
                                .get("test_mse")
                                .asDouble()
                        < 1e-6,
                run.get("summary").toString());

        JsonNode m = s.get("/api/runs/" + id + "/metrics").json();
        assertEquals("step", m.get("columns").get(0).asText());
        JsonNode rows = m.get("rows");
        assertEquals(0, rows.get(0).get(0).asLong());
        assertEquals(20000, rows.get(rows.size() - 1).get(0).asLong());
        TestServer.Response csv = s.get("/api/runs/" + id + "/metrics?format=csv");
        assertEquals(200, csv.status());
        String[] lines = csv.body().split("\n");
        assertTrue(lines[0].startsWith("step,time,train_mse,test_mse,norm"), lines[0]);
        assertEquals(rows.size() + 1, lines.length);
        assertEquals(
                rows.get(5).get(3).asDouble(),
                Double.parseDouble(lines[6].split(",")[3]),
                0.0,
                "CSV and JSON carry the same exact values");
        TestServer.Response bad = s.get("/api/runs/" + id + "/metrics?format=xml");
        assertEquals(400, bad.status());
        assertEquals("format", bad.json().get("problems").get(0).get("field").asText());

        JsonNode snaps = s.get("/api/runs/" + id + "/snapshots").json().get("snapshots");
        assertTrue(snaps.size() >= 20, "W snapshots and the two predictors: " + snaps.size());
        JsonNode late = s.get("/api/runs/" + id + "/snapshots/late/-1").json();
        assertEquals(144, late.get("values").size());
        TestServer.Response raw = s.get("/api/runs/" + id + "/snapshots/W/"
                + rows.get(rows.size() - 1).get(0).asLong() + "?format=f32");
        assertEquals(200, raw.status());
        assertEquals("12", raw.headers().firstValue("X-Rows").orElseThrow());
    }

    @Test
    void presetsComeWithTheirFullConfigAndRunWithOverrides() {
        JsonNode presets = s.get("/api/presets").json();
        assertTrue(presets.size() >= 6);
        for (JsonNode p : presets) {
            assertFalse(p.get("id").asText().isEmpty());
            assertFalse(p.get("title").asText().isEmpty());
            assertTrue(
                    p.get("config").has("seed")
                            && p.get("config").has("steps")
                            && p.get("config").has("evalPerDecade"),
                    "full config: " + p);
        }
        TestServer.Response r = s.post("/api/runs", "{\"preset\":\"fig3-classroom\",\"overrides\":{\"steps\":2000}}");
        assertEquals(201, r.status(), r.body());
        assertEquals(2000, r.json().get("config").get("steps").asLong());
        assertEquals(24, r.json().get("config").get("d").asInt(), "the preset's own fields stay");
        assertEquals("small", r.json().get("priority").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed JSON          | {\"task\":\"mc\",                                     | 400 | json",
                "not an object           | [1,2,3]                                               | 400 | body",
                "unknown field           | {\"task\":\"mc\",\"colour\":1}                        | 422 | colour",
                "wrong type              | {\"task\":\"mc\",\"d\":\"big\"}                       | 422 | d",
                "NaN                     | {\"task\":\"mc\",\"alpha\":NaN}                       | 400 | json",
                "out of range            | {\"task\":\"mc\",\"d\":100000}                        | 422 | d",
                "unknown task            | {\"task\":\"resnet\"}                                 | 422 | task",
                "unknown preset          | {\"preset\":\"fig99\"}                                | 422 | preset",
                "overrides alone         | {\"task\":\"mc\",\"overrides\":{}}                    | 422 | overrides",
                "preset task overridden  | {\"preset\":\"fig3-classroom\",\"overrides\":{\"task\":\"diag\"}} | 422 | overrides.task",
                "bad override            | {\"preset\":\"fig3-classroom\",\"overrides\":{\"lr\":-1}} | 422 | lr",
            })
    void badInputIsRejectedNamingTheField(String name, String body, int status, String field) {
        TestServer.Response r = s.post("/api/runs", body);
        assertEquals(status, r.status(), r.body());
        JsonNode problems = r.json().get("problems");
        assertTrue(problems.size() >= 1);
        assertEquals(field, problems.get(0).get("field").asText(), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
        assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nothing was created");
    }

    @Test
    void aConfigOverTheServersWorkLimitIsA422NamingTheLimit(@TempDir Path other) {
        try (TestServer small =
                new TestServer(other, cfg -> cfg.limits = new Limits(1L << 30, 1e8, 128L << 20, 2L << 30, null))) {
            TestServer.Response r = small.post("/api/runs", TestServer.mcConfig(1_000_000, 1));
            assertEquals(422, r.status(), r.body());
            assertTrue(r.body().contains("work limit"), r.body());
            assertEquals("steps", r.json().get("problems").get(0).get("field").asText());
        }
    }

    @Test
    void anUnknownIdAndARemovedRunAnswerTheSame404() {
        String id = s.start(TestServer.mcConfig(2000, 4));
        s.awaitEnd(id, 60);
        TestServer.Response unknown = s.get("/api/runs/AAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(404, unknown.status());
        assertEquals(204, s.delete("/api/runs/" + id).status());
        TestServer.Response removed = s.get("/api/runs/" + id);
        assertEquals(404, removed.status());
        assertEquals(unknown.body(), removed.body(), "nothing tells a removed run from one that never was");
        assertEquals(404, s.get("/api/runs/" + id + "/metrics").status());
        assertEquals(404, s.get("/api/runs/../../etc/passwd").status());
        assertEquals(
                201,
                s.post("/api/runs", TestServer.mcConfig(2000, 4)).status(),
                "a removed run's config can run again");
    }

    @Test
    void runsArePagedAndFiltered() {
        for (int seed = 1; seed <= 3; seed++) s.awaitEnd(s.start(TestServer.mcConfig(1000, seed)), 60);
        JsonNode page = s.get("/api/runs?limit=2").json();
        assertEquals(3, page.get("total").asInt());
        assertEquals(2, page.get("runs").size());
        assertEquals(1, s.get("/api/runs?limit=2&offset=2").json().get("runs").size());
        assertEquals(
                3,
                s.get("/api/runs?task=mc&status=finished").json().get("total").asInt());
        assertEquals(0, s.get("/api/runs?task=diag").json().get("total").asInt());
        assertEquals(400, s.get("/api/runs?status=sleeping").status());
        assertEquals(400, s.get("/api/runs?limit=100000").status());
    }

    @Test
    void theListShowsOnlyTheCallersOwnRunsSoShareIdsCannotBeEnumerated(@TempDir Path other) {
        try (TestServer t =
                new TestServer(other, cfg -> cfg.trustedProxy = "127.0.0.1")) { // two clients through the proxy header
            BiFunction<String, String, TestServer.Response> post =
                    (client, body) -> t.send(HttpRequest.newBuilder(URI.create(t.url("/api/runs")))
                            .header("X-Forwarded-For", client)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)));
            String alice = post.apply("10.0.0.1", TestServer.mcConfig(2000, 11))
                    .json()
                    .get("id")
                    .asText();
            String bob = post.apply("10.0.0.2", TestServer.mcConfig(2000, 12))
                    .json()
                    .get("id")
                    .asText();
            Function<String, JsonNode> list = client -> t.send(HttpRequest.newBuilder(URI.create(t.url("/api/runs")))
                            .header("X-Forwarded-For", client)
                            .GET())
                    .json();
            assertEquals(1, list.apply("10.0.0.1").get("total").asInt());
            assertEquals(
                    alice, list.apply("10.0.0.1").get("runs").get(0).get("id").asText());
            assertEquals(
                    bob, list.apply("10.0.0.2").get("runs").get(0).get("id").asText());
            assertEquals(0, list.apply("10.0.0.3").get("total").asInt(), "a stranger lists nothing");
            assertEquals(200, t.get("/api/runs/" + alice).status(), "a share link still opens for anyone");
        }
    }
}
