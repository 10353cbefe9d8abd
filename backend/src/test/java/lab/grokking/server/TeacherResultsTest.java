package lab.grokking.server;

import static lab.grokking.server.LabFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teacher's results: only with the key; every submission, the class as a sweep with the law; hide and share. */
class TeacherResultsTest {
    static final String A = "AAAAAAAAAAAAAAAAAAAAAA", B = "BBBBBBBBBBBBBBBBBBBBBB", C = "CCCCCCCCCCCCCCCCCCCCCC";

    @Test
    void everyTeacherRouteIs404WithoutTheKeyOrWithAWrongOne(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode created = create(s, "");
            String lab = created.get("id").asText(),
                    key = created.get("teacher_key").asText();
            assertEquals(
                    "/lab/" + lab + "/results?key=" + key,
                    created.get("results_url").asText());
            assertTrue(key.matches("[A-Za-z0-9_-]{22}") && !key.equals(lab), key);
            String run = s.post("/api/labs/" + lab + "/runs", run(10, 1, 200, "Ada"), A)
                    .json()
                    .get("id")
                    .asText();
            String unknown = s.get("/api/labs/AAAAAAAAAAAAAAAAAAAAAA/results").body();
            for (String wrong : new String[] {"", "?key=", "?key=" + lab, "?key=" + A, "?key=" + key + "x"}) {
                List<TestServer.Response> answers = List.of(
                        s.get("/api/labs/" + lab + "/results" + wrong),
                        s.get("/api/labs/" + lab + "/results.csv" + wrong),
                        s.post("/api/labs/" + lab + "/close" + wrong, ""),
                        s.post("/api/labs/" + lab + "/runs/" + run + "/hide" + wrong, ""),
                        s.post("/api/labs/" + lab + "/runs/" + run + "/unhide" + wrong, ""),
                        s.post("/api/labs/" + lab + "/share" + wrong, "{\"share\":\"named\"}"));
                for (TestServer.Response r : answers) {
                    assertEquals(404, r.status(), wrong + ": " + r.body());
                    assertEquals(unknown, r.body(), "the same answer as for no lab at all");
                }
            }
            JsonNode view = s.get("/api/labs/" + lab).json();
            assertFalse(view.get("closed").asBoolean(), "nothing was done");
            assertEquals("none", view.get("share").asText());
            assertEquals(200, s.get("/api/labs/" + lab + "/results?key=" + key).status());
            TestServer.Response header =
                    s.send(HttpRequest.newBuilder(URI.create(s.url("/api/labs/" + lab + "/results")))
                            .header("X-Teacher-Key", key)
                            .GET());
            assertEquals(200, header.status(), "the key as a header works too");
        }
    }

    @Test
    void theResultsShowEveryRunAndTheClassAsASweepWithTheLaw(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode created = create(s, "");
            String lab = created.get("id").asText(),
                    key = created.get("teacher_key").asText();
            String base = "/api/labs/" + lab;
            assertEquals(201, s.post(base + "/runs", run(10, 1, "  Ada  "), A).status());
            assertEquals(201, s.post(base + "/runs", run(30, 1, "Bob"), B).status());
            assertEquals(201, s.post(base + "/runs", run(100, 1, null), C).status());
            TestServer.Response same = s.post(base + "/runs", run(100, 1, "Cy"), A);
            assertEquals(200, same.status(), "an identical config in the lab is computed once: " + same.body());
            JsonNode r = awaitEnded(s, lab, key, 4, 90);
            JsonNode runs = r.get("runs");
            assertEquals(4, runs.size(), "every submission has its row");
            Map<String, JsonNode> byName = new TreeMap<>();
            for (JsonNode x : runs)
                byName.put(x.get("name").isNull() ? "-" : x.get("name").asText(), x);
            assertEquals(List.of("-", "Ada", "Bob", "Cy"), new ArrayList<>(byName.keySet()), "names trimmed");
            assertEquals(byName.get("-").get("run_id"), byName.get("Cy").get("run_id"), "one run for both");
            assertEquals(byName.get("Ada").get("student"), byName.get("Cy").get("student"), "Ada and Cy: token A");
            assertNotEquals(byName.get("Ada").get("student"), byName.get("Bob").get("student"));
            assertTrue(
                    byName.get("Ada").get("student").asText().matches("s-[0-9a-f]{8}"), "a pseudonym, not the token");
            assertFalse(r.toString().contains(A), "no client token in the results");
            assertEquals(10.0, byName.get("Ada").at("/changed/alpha").asDouble());
            assertFalse(byName.get("Bob").get("changed").has("alpha"), "30 is the preset's α: not a change");
            assertEquals(300, byName.get("Bob").at("/changed/d").asInt());
            for (JsonNode x : runs) {
                assertEquals("FINISHED", x.get("status").asText(), x.toString());
                assertEquals("grokked", x.get("outcome").asText(), x.toString());
                assertTrue(
                        x.at("/finals/test_mse").isNumber() || x.get("finals").size() > 0, x.toString());
            }
            assertEquals(
                    List.of("alpha"),
                    List.of(r.get("varied").get(0).asText()),
                    r.get("varied").toString());
            assertEquals(1, r.get("varied").size(), "d, n, … are set alike by everyone: no axis");
            JsonNode sweep = r.get("sweep");
            assertEquals(3, sweep.get("members").size(), "one member per distinct run");
            assertEquals("alpha", sweep.at("/axes/0/field").asText());
            assertEquals("[10.0,30.0,100.0]", sweep.at("/axes/0/values").toString());
            assertEquals(3, sweep.at("/counts/grokked").asInt());
            assertEquals(3, sweep.at("/law/points").asInt(), sweep.toString());
            assertTrue(sweep.get("done").asBoolean());

            String csv = s.get(base + "/results.csv?key=" + key).body();
            String[] lines = csv.split("\n");
            assertEquals(5, lines.length, csv);
            assertTrue(
                    lines[0].startsWith(
                            "created_at,name,student,run_id,status,hidden,outcome,transition_step,alpha,final_"),
                    lines[0]);
            assertTrue(csv.contains(",Ada,") && csv.contains(",Bob,") && csv.contains(",grokked,"), csv);
        }
    }

    @Test
    void hiddenRunsLeaveTheSharedViewAndTheShareModesDecideTheNames(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode created = create(s, "");
            String lab = created.get("id").asText(),
                    key = created.get("teacher_key").asText();
            String base = "/api/labs/" + lab;
            String ada = s.post(base + "/runs", run(10, 1, 200, "Ada"), A)
                    .json()
                    .get("id")
                    .asText();
            String bob = s.post(base + "/runs", run(30, 1, 200, "Bob"), B)
                    .json()
                    .get("id")
                    .asText();
            awaitEnded(s, lab, key, 2, 60);
            TestServer.Response none = s.get(base + "/shared", A);
            assertEquals(404, none.status(), "not shared yet");
            assertEquals("share", field(none));

            assertEquals(
                    200, s.post(base + "/runs/" + bob + "/hide?key=" + key, "").status());
            assertEquals(
                    404,
                    s.post(base + "/runs/AAAAAAAAAAAAAAAAAAAAAA/hide?key=" + key, "")
                            .status());
            assertEquals(
                    200,
                    s.post(base + "/share?key=" + key, "{\"share\":\"anonymous\"}")
                            .status());
            JsonNode shared = s.get(base + "/shared", A).json();
            assertEquals(1, shared.get("runs").size(), "Bob's hidden run is left out");
            JsonNode only = shared.get("runs").get(0);
            assertEquals(ada, only.get("run_id").asText());
            assertTrue(only.get("name").isNull(), "anonymous: no names");
            assertFalse(only.has("student"), "students never see pseudonyms");
            assertEquals(1, shared.at("/sweep/members").size());

            JsonNode teacher = s.get(base + "/results?key=" + key).json();
            assertEquals(2, teacher.get("runs").size(), "the teacher still sees it, flagged");
            int hidden = 0;
            for (JsonNode x : teacher.get("runs")) if (x.get("hidden").asBoolean()) hidden++;
            assertEquals(1, hidden);
            assertEquals(1, teacher.at("/sweep/members").size(), "hidden runs leave the class sweep");

            assertEquals(
                    200,
                    s.post(base + "/share?key=" + key, "{\"share\":\"named\"}").status());
            assertEquals(
                    "Ada", s.get(base + "/shared", B).json().at("/runs/0/name").asText());
            assertEquals(
                    200,
                    s.post(base + "/runs/" + bob + "/unhide?key=" + key, "").status());
            assertEquals(2, s.get(base + "/shared", B).json().get("runs").size());
            TestServer.Response bad = s.post(base + "/share?key=" + key, "{\"share\":\"everyone\"}");
            assertEquals(422, bad.status());
            assertEquals("share", field(bad));
            assertEquals(
                    200,
                    s.post(base + "/share?key=" + key, "{\"share\":\"none\"}").status());
            assertEquals(404, s.get(base + "/shared", B).status());
        }
    }
}
