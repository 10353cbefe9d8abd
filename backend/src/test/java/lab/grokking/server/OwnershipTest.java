package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only a run's creator changes it; de-duplication hands another client a handle to read, never to act; a run started
 * from a lab records the lab, and a lab's preset posted to /api/runs is an ordinary run.
 */
class OwnershipTest {
    static final String VICTIM = "10.0.0.1", OTHER = "10.0.0.2";

    static TestServer server(Path dir) {
        return new TestServer(dir, cfg -> cfg.trustedProxy = "127.0.0.1"); // X-Forwarded-For names the client
    }

    static TestServer.Response as(TestServer s, String client, String method, String path, String body) {
        return s.send(HttpRequest.newBuilder(URI.create(s.url(path)))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Regression: posting the victim's config returned its id, and that client's cancel then stopped the run. */
    @Test
    void anotherClientGetsTheRunToReadButCannotCancelOrRemoveIt(@TempDir Path dir) {
        try (TestServer s = server(dir)) {
            String config = TestServer.mcConfig(3_000_000, 77);
            String id =
                    as(s, VICTIM, "POST", "/api/runs", config).json().get("id").asText();
            TestServer.Response mine = as(s, OTHER, "POST", "/api/runs", config);
            assertEquals(200, mine.status(), mine.body());
            assertEquals(id, mine.json().get("id").asText(), "the same result: readable by its link");

            TestServer.Response cancel = as(s, OTHER, "POST", "/api/runs/" + id + "/cancel", "");
            assertEquals(403, cancel.status(), cancel.body());
            assertEquals("id", cancel.json().get("problems").get(0).get("field").asText());
            assertTrue(cancel.json().get("error").asText().contains("only the client that started a run can cancel"));
            assertNotEquals(
                    "CANCELLED", s.get("/api/runs/" + id).json().get("status").asText());

            assertEquals(403, as(s, OTHER, "DELETE", "/api/runs/" + id, "").status());
            assertEquals(
                    202,
                    as(s, VICTIM, "POST", "/api/runs/" + id + "/cancel", "").status());
            assertEquals("CANCELLED", s.awaitEnd(id, 30).get("status").asText());
        }
    }

    /** Regression: a lab preset with out-of-range overrides through /api/runs was accepted and recorded no lab. */
    @Test
    void aLabRunRecordsItsLabAndThePresetThroughApiRunsIsAnOrdinaryRun(@TempDir Path dir) {
        try (TestServer s = server(dir)) {
            TestServer.Response lab = s.post(
                    "/api/labs",
                    "{\"preset\":\"fig3-classroom\",\"instructions\":\"vary the seed\","
                            + "\"fields\":{\"seed\":{\"mode\":\"editable\",\"min\":1,\"max\":5}}}");
            assertEquals(201, lab.status(), lab.body());
            String labId = lab.json().get("id").asText();
            TestServer.Response student =
                    as(s, OTHER, "POST", "/api/labs/" + labId + "/runs", "{\"overrides\":{\"seed\":2}}");
            assertEquals(201, student.status(), student.body());
            String labRun = student.json().get("id").asText();
            assertEquals(labId, s.get("/api/runs/" + labRun).json().get("lab").asText());

            TestServer.Response outside =
                    as(s, OTHER, "POST", "/api/runs", "{\"preset\":\"fig3-classroom\",\"overrides\":{\"seed\":2}}");
            assertEquals(201, outside.status(), "not the lab's run: " + outside.body());
            JsonNode run =
                    s.get("/api/runs/" + outside.json().get("id").asText()).json();
            assertTrue(run.get("lab").isNull(), "an ordinary run, not shown as the lab's: " + run);
            assertNotEquals(labRun, run.get("id").asText());
        }
    }

    /** Regression: problems were joined with reduce(a + "; " + b), quadratic: 80 000 bad keys took 22 s and 7.8 MB. */
    @Test
    void eightyThousandBadOverrideKeysAreAnsweredAtOnceWithTheFirstProblemsAndACount(@TempDir Path dir) {
        try (TestServer s = server(dir)) {
            String lab = s.post("/api/labs", "{\"preset\":\"fig3-classroom\",\"instructions\":\"none editable\"}")
                    .json()
                    .get("id")
                    .asText();
            StringBuilder b = new StringBuilder("{\"overrides\":{"); // each key locked by the lab: one problem each
            for (int i = 0; i < 80_000; i++)
                b.append(i > 0 ? "," : "").append("\"k").append(i).append("\":1");
            String body = b.append("}}").toString();
            long t0 = System.nanoTime();
            TestServer.Response r = s.send(HttpRequest.newBuilder(URI.create(s.url("/api/labs/" + lab + "/runs")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "80 000 override keys (%d KB): %d in %.3f s, %d bytes of reply%n",
                    body.length() >> 10, r.status(), seconds, r.body().length());
            assertEquals(422, r.status(), r.body().substring(0, 200));
            assertEquals(20, r.json().get("problems").size(), "the first problems only");
            assertTrue(
                    r.json().get("error").asText().endsWith("; and 79980 more problems"),
                    r.json().get("error").asText());
            assertTrue(
                    r.body().length() < 16_000,
                    "a reply of bounded size: " + r.body().length());
            assertTrue(seconds < 5, "linear, not quadratic: " + seconds + " s (it took 22 s)");
        }
    }
}
