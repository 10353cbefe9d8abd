package lab.grokking.server;

import static lab.grokking.server.CrossOriginTest.post;
import static lab.grokking.server.CrossOriginTest.refusedNaming;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state-changing request's body must be declared JSON: the types a page on another site can send without a CORS
 * preflight (text/plain, forms) are refused with 415 even when the browser names no origin. A bodiless POST (cancel)
 * needs no type, as curl and the JDK client send it.
 */
class ContentTypeTest {
    @Test
    void bodiesThatAreNotDeclaredJsonAreRefused(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String config = TestServer.mcConfig(200, 1);
            for (String type : new String[] {
                "text/plain",
                "text/plain; charset=utf-8",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/xml",
                "*/*",
                "application/jsonp",
                "text/plain; application/json"
            }) {
                TestServer.Response r = s.send(post(s, "/api/runs", type, config));
                refusedNaming(r, 415, "Content-Type");
                assertTrue(r.json().get("error").asText().contains("application/json"), r.body());
            }
            // no type with a body: refused too (curl -d sends a form type; a script must say what it sends)
            refusedNaming(s.send(post(s, "/api/runs", null, config)), 415, "Content-Type");
            refusedNaming(
                    s.send(post(s, "/api/labs", "text/plain", "{\"preset\":\"fig3-classroom\"}")), 415, "Content-Type");
            assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nothing was started");

            // JSON in any spelling of its media type; the charset is ignored (JSON is UTF-8)
            assertEquals(
                    201,
                    s.send(post(s, "/api/runs", "Application/JSON", config)).status());
            assertEquals(
                    200,
                    s.send(post(s, "/api/runs", "application/json; charset=utf-16", config))
                            .status());
            // an unknown charset once made the guard's content-type parsing a 500 (found by FuzzTest)
            assertEquals(
                    200,
                    s.send(post(s, "/api/runs", "application/json; charset=nonsense", config))
                            .status());
            refusedNaming(s.send(post(s, "/api/runs", "text/plain; charset=nonsense", config)), 415, "Content-Type");
        }
    }

    @Test
    void aBodilessPostNeedsNoTypeButADeclaredOneMustBeJson(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.workers = 1)) {
            String a = s.start(TestServer.mcConfig(50_000_000, 2)), b = s.start(TestServer.mcConfig(50_000_000, 3));
            // what an HTML form with no fields sends: a form type and an empty body
            refusedNaming(
                    s.send(post(s, "/api/runs/" + a + "/cancel", "application/x-www-form-urlencoded", "")),
                    415,
                    "Content-Type");
            assertNotEquals(
                    "CANCELLED", s.get("/api/runs/" + a).json().get("status").asText());
            // curl -X POST, the JDK client's noBody(): no type, no body
            TestServer.Response bare = s.send(post(s, "/api/runs/" + a + "/cancel", null, null));
            assertTrue(bare.status() == 200 || bare.status() == 202, bare.body());
            // TestServer.post: JSON type, empty body
            TestServer.Response typed = s.post("/api/runs/" + b + "/cancel", "");
            assertTrue(typed.status() == 200 || typed.status() == 202, typed.body());
            assertEquals("CANCELLED", s.awaitEnd(a, 60).get("status").asText());
            assertEquals("CANCELLED", s.awaitEnd(b, 60).get("status").asText());
            // DELETE without a body or type
            assertEquals(
                    204,
                    s.send(HttpRequest.newBuilder(URI.create(s.url("/api/runs/" + a)))
                                    .DELETE())
                            .status());
        }
    }

    @Test
    void readsNeedNoType(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            assertEquals(
                    200,
                    s.send(HttpRequest.newBuilder(URI.create(s.url("/api/presets")))
                                    .header("Content-Type", "text/plain"))
                            .status());
        }
    }
}
