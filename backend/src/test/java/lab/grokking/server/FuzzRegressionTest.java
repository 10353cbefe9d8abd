package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The failures {@link FuzzTest} and {@link LoadTest} found, each kept as the request that showed it. */
class FuzzRegressionTest {
    @TempDir
    Path dir;

    TestServer s;

    @BeforeEach
    void start() {
        s = new TestServer(dir, cfg -> cfg.limits = FuzzTest.LIMITS);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    static void assertNamed(TestServer.Response r, int status, String field) {
        assertEquals(status, r.status(), r.body());
        assertEquals(field, r.json().get("problems").get(0).get("field").asText(), r.body());
        assertNoInternals(r.body());
    }

    static void assertNoInternals(String body) {
        assertTrue(FuzzTest.LEAK.matcher(body).results().findAny().isEmpty(), "Java or Jackson internals in: " + body);
    }

    /** Was a 400 on the field "json" ("Numeric value … out of range of long"): well-formed JSON, a field out of range. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"task\":\"mc\",\"steps\":123456789012345678901234567890}                 | steps",
                "{\"task\":\"diag\",\"seed\":9223372036854775808}                           | seed",
                "{\"task\":\"modadd\",\"steps\":-9223372036854775809}                       | steps",
                "{\"preset\":\"fig3-classroom\",\"overrides\":{\"seed\":99999999999999999999}} | seed"
            })
    void aNumberBeyondLongIsA422NamingItsField(String body, String field) {
        TestServer.Response r = s.post("/api/runs", body);
        assertNamed(r, 422, field);
        assertTrue(r.json().get("problems").get(0).get("message").asText().startsWith("expected long"), r.body());
    }

    /** Was a 404 "not found" for a path that exists: a wrong method is a 405 whose Allow header and message list the right ones. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"DELETE | /api/presets | GET", "PUT | /api/runs | GET, POST", "POST | /api/health | GET"})
    void aKnownPathWithTheWrongMethodIsA405NamingTheRightOnes(String method, String path, String allowed) {
        TestServer.Response r = s.send(
                HttpRequest.newBuilder(URI.create(s.url(path))).method(method, HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, r.status(), r.body());
        assertEquals(
                Set.of(allowed.split(", ")),
                Set.of(r.headers().firstValue("Allow").orElse("").split(", ")),
                r.body());
        for (String m : allowed.split(", "))
            assertTrue(r.json().get("error").asText().contains(m), r.body());
        assertNoInternals(r.body());
        assertEquals(404, s.get("/api/no-such-endpoint").status(), "an unknown path stays a 404");
    }

    /** Was Jetty's HTML error page: requests the HTTP layer refuses before any route answer in the API's JSON shape too. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "GET /api/health HTTP/1.1\\r\\nHost: localhost\\r\\nNo colon here\\r\\n\\r\\n | 400 | request",
                "GET /api/health HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: x\\r\\n\\r\\n | 400 | request",
                "GET /api/%LONG% HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n | 414 | uri"
            })
    void aRequestRefusedByTheHttpLayerGetsAJsonError(String raw, int status, String field) throws Exception {
        String request = raw.replace("\\r\\n", "\r\n").replace("%LONG%", "a".repeat(20_000));
        try (var socket = new Socket("localhost", URI.create(s.url("/")).getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = response.substring(0, response.indexOf("\r\n\r\n")),
                    body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertTrue(head.startsWith("HTTP/1.1 " + status), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: application/json"), head);
            JsonNode j = new ObjectMapper().readTree(body);
            assertEquals(status, j.get("status").asInt(), body);
            assertFalse(j.get("error").asText().isBlank(), body);
            assertEquals(field, j.get("problems").get(0).get("field").asText(), body);
            assertNoInternals(body);
        }
    }

    /** Was a 500 (UnsupportedCharsetException from Javalin's ctx.body()): JSON is UTF-8 whatever the header says. */
    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "\"utf-8\"", "utf-16", "latin1"})
    void aDeclaredCharsetIsIgnoredNotA500(String charset) {
        for (String path : new String[] {"/api/runs", "/api/labs"}) {
            TestServer.Response r = s.send(HttpRequest.newBuilder(URI.create(s.url(path)))
                    .header("Content-Type", "application/json; charset=" + charset)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            path.equals("/api/runs")
                                    ? TestServer.mcConfig(100, 77)
                                    : "{\"preset\":\"fig3-classroom\"}")));
            assertTrue(
                    r.status() == 201 || r.status() == 200,
                    path + " with charset=" + charset + ": " + r.status() + " " + r.body());
        }
    }

    /**
     * Were 422s and 400s quoting Jackson: "Cannot map `null` into type `double` (set DeserializationConfig.DeserializationFeature
     * .FAIL_ON_NULL_FOR_PRIMITIVES to 'false' to allow)", "(but might if coercion using `CoercionConfig` was enabled)",
     * "`JsonToken.START_OBJECT`", "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled) …]",
     * "(from `StreamReadConstraints.getMaxNumberLength()`)".
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"task\":\"mc\",\"sigma\":null}            | 422 | sigma         | expected double, got null",
                "{\"task\":\"mc\",\"lr\":true}               | 422 | lr            | expected double, got a boolean",
                "{\"task\":\"mc\",\"d\":{\"value\":1}}       | 422 | d             | expected int, got an object",
                "{\"task\":\"mc\",\"d\":[12]}                | 422 | d             | expected int, got an array",
                "{\"task\":\"mc\",\"seed\":\"12\"}           | 422 | seed          | expected long, got a string",
                "{\"task\":\"modadd\",\"zeroLastLayer\":\"yes\"} | 422 | zeroLastLayer | expected boolean, got a string",
                "{\"task\":\"mc\",\"target\":7}              | 422 | target        | expected string, got a number",
                "{\"task\":\"mc\",\"d\":12                   | 400 | json          | Unexpected end-of-input",
                "{\"task\":\"mc\"}{}                         | 400 | json          | Trailing token",
                "{\"task\":\"mc\",\"alpha\":NaN}             | 400 | json          | NaN and Infinity are not numbers in JSON"
            })
    void errorsNameTheFieldWithoutJacksonInternals(String body, int status, String field, String message) {
        TestServer.Response r = s.post("/api/runs", body);
        assertNamed(r, status, field);
        assertTrue(r.json().get("problems").get(0).get("message").asText().startsWith(message), r.body());
    }

    @Test
    void parserLimitsAreNamedWithoutJacksonInternals() {
        String[] bodies = {
            "[".repeat(10_000) + "]".repeat(10_000),
            "{\"task\":\"mc\",\"steps\":" + "9".repeat(5000) + "}",
            "{\"task\":\"" + "x".repeat(100_001) + "\"}"
        };
        String[] says = {
            "nesting depth (33) exceeds the maximum allowed (32)",
            "Number value length (5000) exceeds the maximum allowed (1000)",
            "String value length (100001) exceeds the maximum allowed (100000)"
        };
        for (int i = 0; i < bodies.length; i++) {
            TestServer.Response r = s.post("/api/runs", bodies[i]);
            assertNamed(r, 400, "json");
            assertTrue(r.json().get("error").asText().contains(says[i]), r.body());
        }
    }

    /**
     * Was every progress tick (every 1024 steps, ~500 a second here) to every viewer, each built and written on the
     * training thread: with 200 viewers, 1955 progress messages each in a 4 s run and training 6–9× slower (LoadTest).
     */
    @Test
    void aViewerGetsAtMostTenProgressMessagesASecond() {
        String id = s.start(TestServer.mcConfig(800_000, 78));
        TestServer.Viewer v = s.view(id, "", true);
        long t0 = System.nanoTime();
        List<JsonNode> msgs = v.untilStatus(120);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long progress = msgs.stream()
                .filter(m -> m.get("type").asText().equals("progress"))
                .count();
        assertEquals("FINISHED", msgs.getLast().get("status").asText());
        assertTrue(progress >= 1 && progress <= seconds * 10 + 2, progress + " progress messages in " + seconds + " s");
    }

    /** Was a 201 storing "gamma": "NaN": Jackson takes the strings "NaN"/"Infinity" as doubles, and sparse data skips gamma's rule. */
    @Test
    void theStringsNaNAndInfinityAreNotNumbers() {
        assertNamed(
                s.post(
                        "/api/runs",
                        "{\"task\":\"diag\",\"data\":\"sparse\",\"d\":31,\"n\":8,\"nTest\":20,\"steps\":10,\"gamma\":\"NaN\"}"),
                422,
                "gamma");
        assertNamed(
                s.post("/api/runs", "{\"task\":\"mc\",\"d\":12,\"steps\":10,\"alpha\":\"Infinity\"}"), 422, "alpha");
        assertNamed(
                s.post("/api/runs", "{\"preset\":\"fig3-classroom\",\"overrides\":{\"sigma\":\"-Infinity\"}}"),
                422,
                "sigma");
        JsonNode runs = s.get("/api/runs").json();
        assertEquals(0, runs.get("total").asInt(), "nothing was stored: " + runs);
    }
}
