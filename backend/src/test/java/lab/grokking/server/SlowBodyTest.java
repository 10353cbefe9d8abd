package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.config.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies that trickle in hold no thread (BodyBuffer): 300 connections that each sent part of a body once
 * froze the server (the body was read blocking on Jetty's 250 threads). They end with 408 after
 * http.bodyTimeoutSeconds; bodies over http.maxRequestBytes get 413, declared or chunked.
 */
class SlowBodyTest {
    static final int STALLED = 300;
    static final String LAB = LabsApiTest.LAB;

    @TempDir
    Path dir;

    static TestServer server(Path dir, double bodyTimeoutSeconds) {
        return new TestServer(dir, cfg -> {
            cfg.bodyTimeoutSeconds = bodyTimeoutSeconds;
            // every socket here is 127.0.0.1, the health poller's too: the per-address cap (ConnectionCapTest) would
            // refuse the stalled ones before their bodies are read, and this test is about reading them
            cfg.maxConnectionsPerAddress = 10_000;
            // and the rate limit would answer most of them 429 (it runs once a body is in): 300 clients' worth of
            // bodies must reach the point where they would be read
            cfg.requestsPerSecond = 1e6;
            cfg.requestBurst = 1e6;
        });
    }

    /** Sends the head of {@code POST path} and {@code sent} bytes of its declared {@code length}. */
    static Socket partial(int port, String path, int length, int sent) throws IOException {
        Socket sock = new Socket("127.0.0.1", port);
        OutputStream out = sock.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(" ".repeat(sent).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return sock;
    }

    /** The status and body of the response on {@code sock}, -1 if it closed without one. */
    record Raw(int status, String head, String body) {
        JsonNode json() throws IOException {
            return Configs.JSON.readTree(body);
        }
    }

    static Raw response(Socket sock, int timeoutMillis) throws IOException {
        sock.setSoTimeout(timeoutMillis);
        InputStream in = new BufferedInputStream(sock.getInputStream());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) break;
                head.write(c);
            }
        } catch (SocketException e) {
            // reset: the same as closed
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        if (!h.startsWith("HTTP/1.1 ") || !h.endsWith("\r\n\r\n")) return new Raw(-1, h, "");
        String lower = h.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var length = java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(lower);
        if (length.find()) body.write(in.readNBytes(Integer.parseInt(length.group(1))));
        else if (lower.contains("transfer-encoding: chunked"))
            for (int n; (n = Integer.parseInt(line(in).trim(), 16)) > 0; line(in)) body.write(in.readNBytes(n));
        return new Raw(Integer.parseInt(h.substring(9, 12)), h, body.toString(StandardCharsets.UTF_8));
    }

    /** Whether the server closes {@code sock} (EOF or reset) within 5 s. */
    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) b.append((char) c);
        return b.toString();
    }

    @Test
    void stalledBodiesHoldNoThreadAndEndWith408() throws Exception {
        // opening 300 connections (0.2 s idle, 4 s on a busy 2-core machine) and 5 s of polling must fit before the
        // first deadline
        double timeout = 15;
        try (TestServer s = server(dir, timeout)) {
            int port = s.server.port();
            HttpClient poller = HttpClient.newBuilder().build();
            HttpRequest health = HttpRequest.newBuilder(URI.create(s.url("/api/health")))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            for (int i = 0; i < 20; i++) // warm: the first requests of a JVM are slow for reasons of their own
            assertEquals(
                        200,
                        poller.send(health, HttpResponse.BodyHandlers.ofString())
                                .statusCode());
            List<Socket> stalled = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < STALLED; i++) stalled.add(partial(port, "/api/labs", 5000, 100));
            double opened = (System.nanoTime() - t0) / 1e9;

            // a separate client polls health while all of them are stalled
            double maxMillis = 0;
            int polls = 0;
            long pollStart = System.nanoTime();
            while (System.nanoTime() - pollStart < 5_000_000_000L) {
                long t = System.nanoTime();
                HttpResponse<String> r;
                try {
                    r = poller.send(health, HttpResponse.BodyHandlers.ofString());
                } catch (java.net.http.HttpTimeoutException e) {
                    throw new AssertionError("no health answer in 5 s with " + STALLED + " stalled bodies", e);
                }
                double ms = (System.nanoTime() - t) / 1e6;
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(ms < 1000, "health took " + ms + " ms with " + STALLED + " stalled bodies");
                maxMillis = Math.max(maxMillis, ms);
                polls++;
                TestServer.sleep(100);
            }
            assertTrue(
                    (System.nanoTime() - t0) / 1e9 < timeout,
                    "the polling ended before the stalled bodies' deadline (it measured them all stalled)");

            // every stalled body ends with 408 in the API's error shape, then the connection closes
            int got408 = 0, closed = 0;
            for (Socket sock : stalled) {
                Raw r = response(sock, 30_000);
                if (r.status() == -1) closed++;
                else {
                    assertEquals(408, r.status(), r.head());
                    JsonNode j = r.json();
                    assertEquals(408, j.get("status").asInt());
                    assertEquals("body", j.get("problems").get(0).get("field").asText(), r.body());
                    assertTrue(j.get("error").asText().contains("http.bodyTimeoutSeconds"), r.body());
                    assertTrue(r.head().toLowerCase(Locale.ROOT).contains("connection: close"), r.head());
                    assertTrue(ConnectionCapTest.closedWithin(sock, 5000), "the connection closes after the 408");
                    got408++;
                }
                sock.close();
            }
            double ended = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "slow bodies: %d connections opened in %.2f s, each sent 100 of 5000 bytes; /api/health polled %d"
                            + " times over 5 s, max %.1f ms; %d ended 408, %d closed without a response, all by"
                            + " %.1f s (http.bodyTimeoutSeconds = %.0f)%n",
                    STALLED, opened, polls, maxMillis, got408, closed, ended, timeout);
            assertEquals(STALLED, got408 + closed);
            assertTrue(got408 >= STALLED * 9 / 10, got408 + " of " + STALLED + " got the 408");
            assertTrue(ended < timeout + 10, "the deadline held: " + ended + " s");

            // the server is well: a normal POST is served
            TestServer.Response lab = s.post("/api/labs", LAB);
            assertEquals(201, lab.status(), lab.body());
        }
    }

    @Test
    void aBodyThatArrivesSlowlyButInTimeIsServed() throws Exception {
        try (TestServer s = server(dir, 10)) {
            byte[] body = LAB.getBytes(StandardCharsets.UTF_8);
            try (Socket sock = partial(s.server.port(), "/api/labs", body.length, 0)) {
                OutputStream out = sock.getOutputStream();
                for (int i = 0; i < body.length; i += 50) { // ~1 s in pieces
                    out.write(body, i, Math.min(50, body.length - i));
                    out.flush();
                    TestServer.sleep(100);
                }
                Raw r = response(sock, 10_000);
                assertEquals(201, r.status(), r.head() + r.body());
                assertTrue(r.json().get("id").asText().matches("[A-Za-z0-9_-]{22}"), r.body());
            }
        }
    }

    @Test
    void chunkedBodiesAreReadInFullAndOverLongOnesGet413() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> cfg.maxRequestBytes = 4096)) {
            int port = s.server.port();
            // chunked, in several chunks and pauses: served
            byte[] body = LAB.getBytes(StandardCharsets.UTF_8);
            try (Socket sock = new Socket("127.0.0.1", port)) {
                OutputStream out = sock.getOutputStream();
                out.write(("POST /api/labs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < body.length; i += 64) {
                    int n = Math.min(64, body.length - i);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, i, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    TestServer.sleep(20);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Raw r = response(sock, 10_000);
                assertEquals(201, r.status(), r.head() + r.body());
            }
            // chunked past the limit: 413 naming it, without the rest being read
            try (Socket sock = new Socket("127.0.0.1", port)) {
                OutputStream out = sock.getOutputStream();
                out.write(("POST /api/labs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] k = " ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 5; i++) {
                    out.write("3e8\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(k);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush(); // no last chunk: the server answers without waiting for one
                Raw r = response(sock, 10_000);
                assert413(r);
            }
            // a declared length past the limit: 413 before a byte of the body is sent
            try (Socket sock = partial(port, "/api/runs", 4097, 0)) {
                assert413(response(sock, 10_000));
            }
            // exactly at the limit: read and judged (blanks are no config: 400)
            try (Socket sock = partial(port, "/api/runs", 4096, 4096)) {
                Raw r = response(sock, 10_000);
                assertEquals(400, r.status(), r.head() + r.body());
            }
        }
    }

    static void assert413(Raw r) throws IOException {
        assertEquals(413, r.status(), r.head() + r.body());
        JsonNode j = r.json();
        assertEquals(413, j.get("status").asInt());
        assertTrue(j.get("error").asText().contains("http.maxRequestBytes"), r.body());
        assertEquals("body", j.get("problems").get(0).get("field").asText(), r.body());
    }
}
