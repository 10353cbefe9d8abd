package lab.grokking.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import lab.grokking.core.config.Configs;
import lab.grokking.server.runs.LiveRun;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.WriteFaults;

/** A server on a random port over a temporary data directory, with a small HTTP and WebSocket client. */
public final class TestServer implements AutoCloseable {
    /** A classroom-sized matrix completion run: seconds, evaluation rows every few ms early on. */
    public static String mcConfig(long steps, long seed) {
        return "{\"task\":\"mc\",\"d\":12,\"observed\":0.4,\"lr\":0.1,\"weightDecay\":0.01,\"steps\":" + steps
                + ",\"seed\":" + seed + "}";
    }

    public final GrokLabServer server;
    public final Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();

    public TestServer(Path dataDir, Consumer<ServerConfig> adjust) {
        this.dataDir = dataDir;
        server = GrokLabServer.start(cfg -> {
            cfg.port = 0;
            cfg.dataDir = dataDir;
            adjust.accept(cfg);
        });
    }

    public TestServer(Path dataDir) {
        this(dataDir, cfg -> {});
    }

    /** Over the SQLite store with a fault-injection seam. */
    public TestServer(Path dataDir, Consumer<ServerConfig> adjust, WriteFaults faults) {
        this.dataDir = dataDir;
        ServerConfig cfg = ServerConfig.load(System.getenv());
        cfg.port = 0;
        cfg.dataDir = dataDir;
        adjust.accept(cfg);
        server = GrokLabServer.start(cfg, new SqliteRunStore(dataDir, faults), GrokLabServer.queue(cfg));
    }

    public record Response(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return Configs.JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public String url(String path) {
        return "http://localhost:" + server.port() + path;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A GET as the client with this token (header X-Groklab-Client). */
    public Response get(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header(Clients.HEADER, token)
                .GET());
    }

    /** A POST as the client with this token (header X-Groklab-Client). */
    public Response post(String path, String body, String token) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header(Clients.HEADER, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A stream (any WebSocket path) watched as the client with this token. */
    public Viewer stream(String path, String token) {
        Viewer v = new Viewer(true, http, "ws://localhost:" + server.port() + path);
        http.newWebSocketBuilder()
                .header(Clients.HEADER, token)
                .buildAsync(URI.create(v.base), v)
                .join();
        return v;
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).DELETE());
    }

    public Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Posts a config and returns the run id. */
    public String start(String config) {
        Response r = post("/api/runs", config);
        if (r.status() != 201 && r.status() != 200) throw new AssertionError(r.status() + " " + r.body());
        return r.json().get("id").asText();
    }

    /** Polls until the run's status is final; returns the run document. */
    public JsonNode awaitEnd(String id, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            JsonNode run = get("/api/runs/" + id).json();
            String s = run.get("status").asText();
            if (!s.equals("QUEUED") && !s.equals("RUNNING") && !s.equals("PAUSED")) return run;
            sleep(50);
        }
        throw new AssertionError("run " + id + " did not end within " + timeoutSeconds + " s");
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A WebSocket client that records every message; {@code demand} false stops reading after the first. */
    public Viewer view(String id, String query, boolean demand) {
        Viewer v = new Viewer(demand, http, "ws://localhost:" + server.port() + "/api/runs/" + id + "/stream");
        http.newWebSocketBuilder().buildAsync(URI.create(v.base + query), v).join();
        return v;
    }

    /** A WebSocket client on any stream path (e.g. /api/sweeps/{id}/stream) that records every message. */
    public Viewer stream(String path) {
        Viewer v = new Viewer(true, http, "ws://localhost:" + server.port() + path);
        http.newWebSocketBuilder().buildAsync(URI.create(v.base), v).join();
        return v;
    }

    public static final class Viewer implements WebSocket.Listener {
        public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        public volatile int closeCode = -1;
        public volatile String closeReason;
        /** What broke the connection on the client side, if anything (for failure messages). */
        public volatile Throwable error;
        /**
         * Times the client failed the connection and resumed with ?from=, as the dashboard does: the JDK client
         * rarely reports "Invalid UTF-8 in frame TEXT" on the message after "start" with many viewers on loopback
         * (about 1 in 100–300 connections; cause not found: not frame size, not sends from onConnect or callbacks).
         */
        public final AtomicInteger resumed = new AtomicInteger();

        private final HttpClient http;
        private final String base;
        private volatile long lastStep = Long.MIN_VALUE;
        public volatile WebSocket socket;
        private final boolean demand;
        private final StringBuilder partial = new StringBuilder();
        /** Receive time (epoch ms) of each "points" message, for latency. */
        public final List<double[]> arrivals = new CopyOnWriteArrayList<>();

        Viewer(boolean demand, HttpClient http, String base) {
            this.demand = demand;
            this.http = http;
            this.base = base;
        }

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = Configs.JSON.readTree(partial.toString());
                    if (m.get("type").asText().equals("points")) {
                        for (JsonNode row : m.get("rows")) lastStep = row.get(0).asLong();
                        double now = LiveRun.epochMillis();
                        for (JsonNode t : m.get("computed_at")) arrivals.add(new double[] {t.asDouble(), now});
                    }
                    messages.add(m);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                partial.setLength(0);
            }
            // request(n) counts deliveries, and the client may deliver one message in parts: a viewer without demand
            // still asks for the rest of the message it has begun
            if (demand || !last) ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable e) {
            error = e;
            if (!(e instanceof ProtocolException) || resumed.incrementAndGet() > 3) return;
            partial.setLength(0);
            http.newWebSocketBuilder()
                    .buildAsync(URI.create(base + (lastStep == Long.MIN_VALUE ? "" : "?from=" + lastStep)), this);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closeCode = code;
            closeReason = reason;
            return null;
        }

        public void resume() {
            socket.request(Long.MAX_VALUE);
        }

        /** A viewer of any stream URL (ws://…), e.g. on a member started as its own process. */
        public static Viewer open(String url) {
            HttpClient http = HttpClient.newHttpClient();
            Viewer v = new Viewer(true, http, url);
            http.newWebSocketBuilder().buildAsync(URI.create(url), v).join();
            return v;
        }

        /** Messages until the "status" one (inclusive) or the timeout. */
        public List<JsonNode> untilStatus(long timeoutSeconds) {
            return until("status", timeoutSeconds);
        }

        /** Messages until one of this type (inclusive) or the timeout. */
        public List<JsonNode> until(String type, long timeoutSeconds) {
            List<JsonNode> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            try {
                while (System.nanoTime() < deadline) {
                    JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
                    if (m == null) continue;
                    out.add(m);
                    if (m.get("type").asText().equals(type)) return out;
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            throw new AssertionError(
                    "no " + type + " message within " + timeoutSeconds + " s; got " + out.size() + " messages "
                            + out.stream().map(m -> m.get("type").asText()).toList() + ", " + connection());
        }

        /** Closes the stream from this side (a server that already dropped the connection leaves nothing to close). */
        public void close() {
            WebSocket ws = socket;
            if (ws != null && !ws.isOutputClosed())
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done")
                        .handle((w, e) -> w)
                        .join();
        }

        /** The connection's state, for failure messages: close code and reason, client error, resumptions, an unfinished message. */
        public String connection() {
            return "close " + closeCode + " " + closeReason + ", error " + error
                    + (error == null ? "" : ", cause " + error.getCause()) + ", resumed " + resumed.get()
                    + ", unfinished message chars " + partial.length();
        }

        /** Every row of these "points" messages, in order. */
        public static List<JsonNode> rows(List<JsonNode> messages) {
            List<JsonNode> s = new ArrayList<>();
            for (JsonNode m : messages)
                if (m.get("type").asText().equals("points")) m.get("rows").forEach(s::add);
            return s;
        }

        /** The steps of every row received in these messages, in order. */
        public static List<Long> steps(List<JsonNode> messages) {
            return rows(messages).stream().map(r -> r.get(0).asLong()).toList();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
