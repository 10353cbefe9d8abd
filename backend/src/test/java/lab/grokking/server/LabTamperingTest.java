package lab.grokking.server;

import static lab.grokking.server.LabFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a student can try with its link and token: others' hidden runs, more runs than its quota, the teacher's routes. */
class LabTamperingTest {
    static final String A = "AAAAAAAAAAAAAAAAAAAAAA", B = "BBBBBBBBBBBBBBBBBBBBBB";

    @Test
    void aStudentCannotReadAnotherStudentsHiddenRuns(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode created = create(s, "");
            String lab = created.get("id").asText(),
                    key = created.get("teacher_key").asText();
            String base = "/api/labs/" + lab;
            s.post(base + "/runs", run(10, 1, 200, "Ada"), A);
            String bob = s.post(base + "/runs", run(30, 1, 200, "Bob"), B)
                    .json()
                    .get("id")
                    .asText();
            awaitEnded(s, lab, key, 2, 60);
            s.post(base + "/runs/" + bob + "/hide?key=" + key, "");
            s.post(base + "/share?key=" + key, "{\"share\":\"named\"}");
            for (String path :
                    List.of(base + "/shared", base + "/runs?mine", base + "/runs", base + "/shared?key=" + A))
                assertFalse(s.get(path, A).body().contains(bob), path + " shows Bob's hidden run to Ada");
            JsonNode mine = s.get(base + "/runs?mine", A).json().get("runs");
            assertEquals(1, mine.size());
            assertEquals("Ada", mine.get(0).get("name").asText());
            assertEquals(
                    bob,
                    s.get(base + "/runs?mine", B).json().at("/runs/0/run_id").asText(),
                    "Bob sees his own");
            assertFalse(s.get(base + "/shared", A).body().contains("\"student\""), "no pseudonyms to students");
        }
    }

    @Test
    void swappingTokensGainsNothingBeyondTheAddressLimits(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.addressRunsQueued = 3;
        })) {
            String lab =
                    create(s, "\"quota\":{\"running\":1,\"total\":1}").get("id").asText();
            List<Integer> statuses = new ArrayList<>();
            TestServer.Response last = null;
            List<String> started = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // a new token for every run, as a student clearing its cookie would
                last = s.post("/api/labs/" + lab + "/runs", run(10, i, 5_000_000, null), Clients.newToken());
                statuses.add(last.status());
                if (last.status() == 201) started.add(last.json().get("id").asText());
                if (i == 0) awaitRunning(s, started.get(0));
            }
            assertEquals(List.of(201, 201, 201, 201, 429, 429), statuses, "one running, then address.runsQueued = 3");
            assertEquals("address.runsQueued", field(last), last.body());
            assertTrue(last.json().get("error").asText().contains("(limit address.runsQueued = 3)"), last.body());
            assertEquals(4, s.get("/api/labs/" + lab).json().get("runs").asInt(), "the refused left no submission");
            TestServer.Response again = s.post("/api/labs/" + lab + "/runs", run(10, 9, 200, null), A);
            assertEquals(429, again.status(), "the quota of a fresh token does not lift the address's limit");
        }
    }

    @Test
    void aStudentCannotActAsTheTeacher(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode created = create(s, "");
            String lab = created.get("id").asText(),
                    key = created.get("teacher_key").asText();
            String link = created.get("link").asText(), base = "/api/labs/" + lab;
            assertFalse(link.contains(key), "the student link does not carry the teacher key");
            String run = s.post(base + "/runs", run(10, 1, 200, "Ada"), A)
                    .json()
                    .get("id")
                    .asText();
            for (String guess : new String[] {lab, A, "t:" + A, link}) {
                for (TestServer.Response r : List.of(
                        s.get(base + "/results?key=" + guess, A),
                        s.post(base + "/close?key=" + guess, "", A),
                        s.post(base + "/runs/" + run + "/hide?key=" + guess, "", A),
                        s.send(HttpRequest.newBuilder(URI.create(s.url(base + "/results")))
                                .header(Clients.HEADER, A)
                                .header("X-Teacher-Key", guess)
                                .GET()))) assertEquals(404, r.status(), guess + ": " + r.body());
            }
            TestServer.Response own = s.get(base + "/results", A);
            assertEquals(404, own.status(), "the lab's creator token is no teacher key either");
            assertFalse(s.get(base).json().get("closed").asBoolean());
            assertFalse(s.get(base).body().contains(key), "the student page never shows the key");
        }
    }
}
