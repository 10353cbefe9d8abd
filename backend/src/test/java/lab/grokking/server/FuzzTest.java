package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.diag.DiagSpec;
import lab.grokking.core.mc.McSpec;
import lab.grokking.core.modadd.ModaddSpec;
import lab.grokking.core.task.CommonFields;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.Json;
import lab.grokking.server.sweeps.SweepPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of every endpoint in openapi.json (and of paths, methods and bytes that match none): random and
 * boundary configs of each task, malformed JSON, wrong types, NaN/Infinity, huge and negative numbers, 10 000-deep
 * nesting, unicode and control characters, path traversal in ids and names, 10 MB bodies, unknown presets and ids.
 * Every response must hold the invariants in {@link #check}: no 5xx, no stack trace or Java class name, every 4xx a
 * JSON body naming a field or a limit (a clear error for 404/405/413), and nothing accepted beyond the server's limits
 * or a lab's rules (each accepted run is read back, checked and cancelled).
 *
 * <p>10 000 requests by default; {@code -Dgroklab.heavy=true} sends 100 000; {@code -Dgroklab.fuzzSeed=N} picks another
 * seed. Outcome counts (endpoint × status) go to target/reliability/fuzz.json and to the console.
 */
class FuzzTest {
    static final boolean HEAVY = Boolean.getBoolean("groklab.heavy");
    static final int REQUESTS = Integer.getInteger("groklab.fuzzRequests", HEAVY ? 100_000 : 10_000);
    static final long SEED = Long.getLong("groklab.fuzzSeed", 20_240_507L);
    /** Small limits: every accepted run is tiny (≤ ~5 s of one core even if it were never cancelled, ≤ 16 MiB stored). */
    static final Limits LIMITS = new Limits(64L << 20, 5e9, 16L << 20, Limits.DEFAULT.clientDiskBytes(), null);

    static final int MAX_BODY = 1 << 20;
    /** Reconnects after a 1006 (see webSockets): at ~1 % per stream, two in a row failed a CI run; four should not. */
    static final int JDK_CLOSE_RETRIES = 3;

    /** A stack trace, an exception, a Java package or class, or a library's configuration name in a response. */
    static final Pattern LEAK = Pattern.compile(
            "Exception|Caused by|\\tat |\\bat lab\\.|java\\.|javax\\.|jakarta\\.|com\\.fasterxml|[Jj]ackson|org\\.eclipse|"
                    + "io\\.javalin|lab\\.grokking|Deserializ|StreamRead|JsonRead|JsonToken|CoercionConfig|MapperFeature|REDACTED|`|\\b[a-z]+(?:\\.[a-z]+)+\\.[A-Z]\\w+");
    /** Jetty's own error page: what requests malformed at the HTTP level (before any route) get. */
    static final Pattern JETTY_PAGE = Pattern.compile("(?s)^<html>.*<h2>HTTP ERROR (\\d{3})[^<]*</h2>.*</html>\\s*$");

    @TempDir
    Path dir;

    @Test
    void everyEndpointSurvivesGeneratedRequests() throws Exception {
        long t0 = System.nanoTime();
        Fuzzer f;
        try (TestServer s = new TestServer(dir, cfg -> {
            // the rate limits (per client and per address) would otherwise answer most of these with 429 (regression:
            // on a faster CI machine the fuzzer passed the address's 500/s and its 429s named no field of the request)
            cfg.requestsPerSecond = 1e6;
            cfg.requestBurst = 1e6;
            cfg.addressRequestsPerSecond = 1e6;
            cfg.addressRequestBurst = 1e6;
            cfg.workers = 1;
            cfg.limits = LIMITS;
            cfg.labQuotaRunning = 100_000; // one client posts every lab run here: the quota would refuse most
            cfg.labQuotaTotal = 100_000;
            cfg.labMaxRuns = 100_000;
        })) {
            f = new Fuzzer(s, new Random(SEED));
            f.setUp();
            f.run(REQUESTS);
            f.webSockets(HEAVY ? 1000 : 150);
            f.sweepSockets(HEAVY ? 200 : 40);
            f.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        f.report(seconds);

        // every documented endpoint was exercised, and answered at least once with a success and with a client error
        Set<String> documented = documentedEndpoints();
        for (String ep : documented) {
            Map<String, Integer> byStatus = f.counts.getOrDefault(ep, Map.of());
            int n = byStatus.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue(n >= 30, ep + " was fuzzed only " + n + " times: " + byStatus);
            if (!ep.endsWith("/stream")
                    && !ep.equals("GET /api/openapi.json")
                    && !ep.equals("GET /api/presets")
                    && !ep.equals("GET /api/sweeps") // the caller's own list: nothing to refuse
                    && !ep.equals("GET /api/sweeps/presets")
                    && !ep.equals("GET /api/tasks")
                    && !ep.equals("GET /api/health"))
                assertTrue(
                        byStatus.keySet().stream().anyMatch(k -> k.startsWith("4")),
                        ep + " never answered 4xx: " + byStatus);
            assertTrue(
                    byStatus.keySet().stream().anyMatch(k -> k.startsWith("2") || k.startsWith("ws 1000")),
                    ep + " never succeeded: " + byStatus);
        }
        assertTrue(
                f.accepted.get("POST /api/runs") >= 100,
                "the generator must produce acceptable configs too: " + f.accepted);
        assertTrue(f.accepted.get("POST /api/labs/{id}/runs") >= 20, "and acceptable lab runs: " + f.accepted);
        assertTrue(f.accepted.get("POST /api/labs") >= 20, "and acceptable labs: " + f.accepted);
        assertTrue(f.accepted.get("POST /api/sweeps") >= 10, "and acceptable sweeps: " + f.accepted);
        assertTrue(
                f.namedChecks >= REQUESTS / 20,
                "single-field mutations checked for naming their field: " + f.namedChecks);
        assertTrue(f.total >= REQUESTS, f.total + " requests");
        assertTrue(
                f.violations.isEmpty(),
                f.violationCount + " responses broke an invariant " + f.violationKinds + ", e.g.:\n"
                        + String.join("\n\n", f.violations));
    }

    static Set<String> documentedEndpoints() throws IOException {
        try (InputStream in = FuzzTest.class.getResourceAsStream("/openapi.json")) {
            JsonNode doc = Configs.JSON.readTree(in);
            Set<String> out = new TreeSet<>();
            doc.get("paths")
                    .fields()
                    .forEachRemaining(e -> e.getValue()
                            .fieldNames()
                            .forEachRemaining(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + e.getKey())));
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // requests and the raw HTTP/1.1 client (any bytes in the request line, any header, bodies of any size)

    /**
     * One request. {@code label} is the endpoint it aims at (an openapi.json path, or "unknown path"); {@code odd}
     * marks a target or bytes the HTTP layer may refuse before routing (Jetty's own error page is then acceptable);
     * {@code expectField}: a field that must be named in the 4xx this request has to get.
     */
    record Req(
            String label,
            String method,
            String target,
            List<String[]> headers,
            byte[] body,
            boolean chunked,
            boolean odd,
            String expectField,
            String note) {
        Req withExpect(String field) {
            return new Req(label, method, target, headers, body, chunked, odd, field, note);
        }
    }

    record Resp(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String type() {
            return headers.getOrDefault("content-type", "");
        }

        JsonNode json() {
            try {
                return Configs.JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }

    static final class RawHttp implements AutoCloseable {
        private final int port;
        private Socket sock;
        private InputStream in;
        private OutputStream out;
        /** The exchanges so far on this connection, for a response that does not parse (which one left bytes behind). */
        private final List<String> history = new ArrayList<>();

        RawHttp(int port) {
            this.port = port;
        }

        Resp send(Req q) throws IOException {
            for (int attempt = 0; ; attempt++) {
                if (sock == null) open();
                try {
                    return exchange(q);
                } catch (StaleConnection e) { // the server had closed the idle connection: nothing was processed
                    close();
                    if (attempt > 0) throw new IOException("connection closed twice before a response");
                } catch (IOException | RuntimeException e) {
                    close();
                    throw e;
                }
            }
        }

        private void open() throws IOException {
            history.clear();
            sock = new Socket("localhost", port);
            sock.setSoTimeout(30_000);
            sock.setTcpNoDelay(true);
            in = new BufferedInputStream(sock.getInputStream(), 1 << 16);
            out = sock.getOutputStream();
        }

        private Resp exchange(Req q) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes((q.method() + " " + q.target() + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (String[] h : q.headers())
                head.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            byte[] body = q.body();
            if (body != null)
                head.writeBytes(
                        (q.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
            head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] payload = body == null ? new byte[0] : q.chunked() ? chunk(body) : body;
            try {
                out.write(head.toByteArray());
                if (payload.length <= 1 << 16) out.write(payload);
                out.flush();
            } catch (IOException e) {
                throw new StaleConnection();
            }
            if (payload.length <= 1 << 16) return response(q);
            // the server may answer (413, 404) and close before taking it all: write on another thread, read meanwhile,
            // and
            // never reuse the connection (nor let this writer outlive it: it writes to this connection's stream only)
            OutputStream o = out;
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    o.write(payload);
                    o.flush();
                } catch (IOException ignored) {
                    // refused midway, as a server should refuse a body over its limit
                }
            });
            try {
                return response(q);
            } finally {
                close(); // also ends the write if the server stopped reading
                try {
                    writer.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private Resp response(Req q) throws IOException {
            int code;
            Map<String, String> headers = new LinkedHashMap<>();
            do { // skipping interim responses (100 Continue)
                String status = line(true);
                if (status == null) throw new StaleConnection();
                String[] parts = status.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1."))
                    throw new IOException("bad status line: " + status + "; before it on this connection: " + history);
                code = Integer.parseInt(parts[1]);
                headers.clear();
                for (String l; !(l = line(false)).isEmpty(); ) {
                    int c = l.indexOf(':');
                    if (c > 0)
                        headers.put(
                                l.substring(0, c).trim().toLowerCase(Locale.ROOT),
                                l.substring(c + 1).trim());
                }
            } while (code / 100 == 1);
            byte[] respBody;
            boolean close = "close".equalsIgnoreCase(headers.get("connection"));
            if (q.method().equals("HEAD") || code == 204 || code == 304) respBody = new byte[0];
            else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) respBody = dechunk();
            else if (headers.containsKey("content-length"))
                respBody = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            else {
                respBody = in.readAllBytes();
                close = true;
            }
            if (history.size() == 4) history.removeFirst();
            history.add(q.method() + " " + abbreviate(q.target(), 60)
                    + q.headers().stream()
                            .map(h -> " [" + h[0] + ": " + abbreviate(h[1], 30) + "]")
                            .collect(Collectors.joining())
                    + (q.body() == null ? "" : (q.chunked() ? " chunked " : " ") + q.body().length + " B") + " -> "
                    + code + " "
                    + headers.getOrDefault("content-length", "?") + " B" + (close ? " close" : ""));
            if (close) close();
            return new Resp(code, headers, respBody);
        }

        private byte[] dechunk() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(false);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line(false).isEmpty()) {
                        /* trailers */
                    }
                    return b.toByteArray();
                }
                b.writeBytes(in.readNBytes(n));
                line(false);
            }
        }

        private String line(boolean eofOk) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') if (c != '\r') b.write(c);
            if (c == -1 && b.size() == 0) {
                if (eofOk) return null;
                throw new IOException("connection closed mid-response");
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() {
            if (sock != null) {
                try {
                    sock.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            sock = null;
        }

        private static final class StaleConnection extends IOException {}
    }

    static byte[] chunk(byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(b.length + b.length / 100 + 16);
        for (int i = 0; i < b.length; i += 1 << 16) {
            int n = Math.min(1 << 16, b.length - i);
            o.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.write(b, i, n);
            o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        o.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the fields of each task, with their documented ranges (the *Config.validate methods)

    /** kind: i int, l long, d double, b boolean, s string; lo/hi the range (loOpen: lo excluded); choices for strings. */
    record Field(String name, char kind, double lo, boolean loOpen, double hi, List<String> choices) {
        static Field i(String n, double lo, double hi) {
            return new Field(n, 'i', lo, false, hi, null);
        }

        static Field l(String n, double lo, double hi) {
            return new Field(n, 'l', lo, false, hi, null);
        }

        static Field d(String n, double lo, boolean open, double hi) {
            return new Field(n, 'd', lo, open, hi, null);
        }

        static Field b(String n) {
            return new Field(n, 'b', 0, false, 0, null);
        }

        static Field s(String n, String... choices) {
            return new Field(n, 's', 0, false, 0, List.of(choices));
        }
    }

    static final double SEED_MAX = CommonFields.MAX_SEED;
    /** Every registered task's fields as its spec declares them; the JSON type of the default tells int from long. */
    static final Map<String, List<Field>> FIELDS = TaskSpecs.all().stream()
            .collect(Collectors.toMap(TaskSpec::name, t -> {
                ObjectNode defaults = Configs.defaults(t.name());
                return t.fields().stream()
                        .map(f -> switch (f.type()) {
                            case INTEGER ->
                                defaults.get(f.key()).isInt()
                                        ? Field.i(f.key(), f.min(), f.max())
                                        : Field.l(f.key(), f.min(), f.max());
                            case NUMBER -> Field.d(f.key(), f.min(), f.minExclusive(), f.max());
                            case BOOLEAN -> Field.b(f.key());
                            case CHOICE -> Field.s(f.key(), f.choices().toArray(String[]::new));
                        })
                        .toList();
            }));

    static final List<String> TASKS =
            TaskSpecs.all().stream().map(TaskSpec::name).toList();

    // ---------------------------------------------------------------------------------------------------------------

    static final class Fuzzer {
        final TestServer s;
        final Random rnd;
        final RawHttp http;
        final Map<String, Map<String, Integer>> counts = new TreeMap<>();
        final Map<String, Integer> accepted = new TreeMap<>(
                Map.of("POST /api/runs", 0, "POST /api/labs/{id}/runs", 0, "POST /api/labs", 0, "POST /api/sweeps", 0));
        final List<String> violations = new ArrayList<>();
        /** Violations by kind (the invariant broken), and the first requests of each endpoint × status, for the report. */
        final Map<String, Integer> violationKinds = new TreeMap<>();

        final Map<String, List<String>> examples = new TreeMap<>();
        int violationCount, total, namedChecks, retried;
        final List<String> runIds = new ArrayList<>(), removedIds = new ArrayList<>(), labIds = new ArrayList<>();
        final List<String> sweepIds = new ArrayList<>();
        final List<String> sweepPresetIds =
                SweepPresets.all().stream().map(p -> p.get("id").asText()).toList();
        String finishedSweep;
        final Map<String, LabInfo> labs = new LinkedHashMap<>();
        /** Teacher keys by lab, and a run submitted in each lab (the teacher's routes need both to succeed). */
        final Map<String, String> labKeys = new LinkedHashMap<>(), labRuns = new LinkedHashMap<>();

        final List<String> presetIds =
                Presets.all().stream().map(Presets.Preset::id).toList();
        String finished, victim;
        final List<String[]> snapshots = new ArrayList<>();

        record LabInfo(String preset, JsonNode view) {}

        Fuzzer(TestServer s, Random rnd) {
            this.s = s;
            this.rnd = rnd;
            http = new RawHttp(s.server.port());
        }

        void close() {
            http.close();
        }

        // ---- setup: a finished run with snapshots, a run to remove later, two labs

        void setUp() {
            finished = s.start(TestServer.mcConfig(3000, 4242));
            victim = s.start(TestServer.mcConfig(500, 4243));
            assertEquals("FINISHED", s.awaitEnd(finished, 60).get("status").asText());
            s.awaitEnd(victim, 60);
            runIds.add(finished);
            runIds.add(victim);
            for (JsonNode sn :
                    s.get("/api/runs/" + finished + "/snapshots").json().get("snapshots"))
                snapshots.add(
                        new String[] {sn.get("name").asText(), sn.get("step").asText()});
            assertFalse(snapshots.isEmpty());
            createLab("""
                    {"preset": "fig3-classroom", "instructions": "Vary steps and seed.",
                     "fields": {"steps": {"mode": "editable", "min": 100, "max": 200000}, "seed": {"mode": "editable"},
                                "observed": {"mode": "editable", "min": 0.05, "max": 0.5}, "lr": {"mode": "hidden"}, "alpha": {"mode": "locked"}}}""");
            createLab("""
                    {"preset": "fig3-classroom", "fields": {"d": {"mode": "editable", "min": 2, "max": 40}, "weightDecay": {"mode": "editable"},
                     "target": {"mode": "editable"}, "rank": {"mode": "editable", "min": 1, "max": 3}, "steps": {"mode": "editable", "max": 150000}}}""");
            assertEquals(2, labIds.size());
            TestServer.Response sw = s.post(
                    "/api/sweeps",
                    "{\"base\":" + TestServer.mcConfig(800, 4244) + ",\"axes\":{\"weightDecay\":[0.01,0.02]}}");
            assertEquals(201, sw.status(), sw.body());
            finishedSweep = sw.json().get("id").asText();
            SweepsApiTest.awaitDone(s, finishedSweep, 60);
            sweepIds.add(finishedSweep);
        }

        private void createLab(String body) {
            TestServer.Response r = s.post("/api/labs", body);
            assertEquals(201, r.status(), r.body());
            String id = r.json().get("id").asText();
            labIds.add(id);
            labKeys.put(id, r.json().get("teacher_key").asText());
            labs.put(
                    id,
                    new LabInfo(
                            Configs.readObject(body, "lab").get("preset").asText(),
                            r.json().get("lab")));
        }

        // ---- the main loop

        void run(int requests) {
            List<Supplier<Req>> gens = new ArrayList<>();
            // weights: configs dominate, every endpoint gets its share
            add(gens, 30, this::postRun);
            add(gens, 4, this::getRun);
            add(gens, 3, this::listRuns);
            add(gens, 3, this::metrics);
            add(gens, 2, this::runConfig);
            add(gens, 2, this::snapshotList);
            add(gens, 3, this::snapshot);
            add(gens, 2, this::cancel);
            add(gens, 2, this::delete);
            add(gens, 1, this::streamAsHttp);
            add(gens, 6, this::postLab);
            add(gens, 2, this::getLab);
            add(gens, 10, this::postLabRun);
            add(gens, 4, this::teacher);
            add(gens, 1, () -> get("GET /api/labs/{id}/shared", "/api/labs/" + labId() + "/shared"));
            add(
                    gens,
                    1,
                    () -> get(
                            "GET /api/labs/{id}/runs",
                            "/api/labs/" + labId() + "/runs" + (rnd.nextBoolean() ? "?mine" : "")));
            add(gens, 2, this::presets);
            add(gens, 6, this::postSweep);
            add(gens, 2, () -> sweepPath("GET /api/sweeps/{id}", ""));
            add(gens, 1, () -> sweepPath("GET /api/sweeps/{id}/export.csv", "/export.csv"));
            add(gens, 1, () -> sweepPath("GET /api/sweeps/{id}/export.json", "/export.json"));
            add(gens, 1, () -> sweepPath("GET /api/sweeps/{id}/stream", "/stream"));
            add(gens, 1, this::cancelSweep);
            add(
                    gens,
                    1,
                    () -> rnd.nextBoolean()
                            ? get("GET /api/sweeps", "/api/sweeps" + (rnd.nextBoolean() ? "?mine" : "?" + query()))
                            : get("GET /api/sweeps/presets", "/api/sweeps/presets"));
            add(gens, 2, this::tasks);
            add(gens, 1, this::health);
            add(
                    gens,
                    1,
                    () -> get(
                            "GET /api/openapi.json", "/api/openapi.json" + (rnd.nextInt(4) == 0 ? "?" + query() : "")));
            add(gens, 4, this::unknownPath);
            add(gens, 3, this::wrongMethod);
            while (total < requests) {
                Req q = gens.get(rnd.nextInt(gens.size())).get();
                Resp r = send(q);
                if (r != null) followUp(q, r);
            }
        }

        private static void add(List<Supplier<Req>> gens, int weight, Supplier<Req> g) {
            for (int i = 0; i < weight; i++) gens.add(g);
        }

        Resp send(Req q) {
            total++;
            Resp r;
            try {
                r = http.send(q);
            } catch (IOException | RuntimeException e) {
                count(q.label(), "no response");
                violation(q, null, "no response: " + e);
                return null;
            }
            count(q.label(), String.valueOf(r.status()));
            List<String> ex = examples.computeIfAbsent(q.label() + " " + r.status(), k -> new ArrayList<>());
            if (ex.size() < 3)
                ex.add(q.method() + " " + abbreviate(q.target(), 100) + (q.note() == null ? "" : " [" + q.note() + "]")
                        + (q.body() == null
                                ? ""
                                : " "
                                        + abbreviate(
                                                new String(
                                                        q.body(),
                                                        0,
                                                        Math.min(q.body().length, 200),
                                                        StandardCharsets.UTF_8),
                                                120))
                        + " -> " + abbreviate(r.text(), 240));
            check(q, r);
            return r;
        }

        void count(String label, String status) {
            counts.computeIfAbsent(label, k -> new TreeMap<>()).merge(status, 1, Integer::sum);
        }

        void violation(Req q, Resp r, String what) {
            violationCount++;
            String kind = q.label() + ": " + what.replaceAll("(?s):.*", "");
            int seen = violationKinds.merge(kind, 1, Integer::sum);
            if (seen <= 2 && violations.size() < 40) {
                String body = q.body() == null
                        ? ""
                        : new String(q.body(), 0, Math.min(q.body().length, 300), StandardCharsets.UTF_8);
                violations.add(what + "\n  request: " + q.method() + " " + abbreviate(q.target(), 200)
                        + (q.note() == null ? "" : " [" + q.note() + "]") + (body.isEmpty() ? "" : "\n  body: " + body)
                        + (r == null
                                ? ""
                                : "\n  response: " + r.status() + " " + r.type() + " " + abbreviate(r.text(), 600)));
            }
        }

        /** The invariants every response must hold. */
        void check(Req q, Resp r) {
            String text = r.type().startsWith("application/octet-stream") ? "" : r.text();
            if (r.status() >= 500) violation(q, r, "5xx");
            if (!"nosniff".equals(r.headers().get("x-content-type-options")))
                violation(q, r, "no X-Content-Type-Options: nosniff");
            if (r.headers().containsKey("strict-transport-security")) violation(q, r, "HSTS over plain HTTP");
            // what a cross-site page can send: refused before it does anything
            int must = "Content-Type".equals(q.expectField()) ? 415 : "Origin".equals(q.expectField()) ? 403 : 0;
            if (must != 0 && !q.odd() && r.status() != must)
                violation(q, r, "a request that must be refused naming " + q.expectField() + " got another answer");
            if (LEAK.matcher(text).find())
                violation(
                        q,
                        r,
                        "a stack trace, exception or Java/library class name in the body: '" + matched(text) + "'");
            if (q.method().equals("HEAD")) return; // a status line and headers only
            if (r.status() >= 400 && r.status() < 500) {
                var page = JETTY_PAGE.matcher(text);
                if (text.isEmpty() && q.odd())
                    return; // refused by the HTTP layer, which writes no page for DELETE and the like
                if (page.matches()) { // the HTTP layer answers in JSON too (JsonErrorHandler)
                    violation(q, r, "the HTTP layer's HTML error page");
                    return;
                }
                JsonNode j = r.json();
                if (j == null || !j.isObject()) {
                    violation(q, r, "a 4xx whose body is not a JSON object");
                    return;
                }
                if (!r.type().startsWith("application/json"))
                    violation(q, r, "a JSON error without Content-Type application/json");
                if (j.path("status").asInt() != r.status()) violation(q, r, "body status differs from the HTTP status");
                if (j.path("error").asText("").isBlank()) violation(q, r, "no error message");
                JsonNode problems = j.get("problems");
                if (problems == null || !problems.isArray()) violation(q, r, "no problems[]");
                else if (r.status() != 404 && r.status() != 405 && r.status() != 413) {
                    if (problems.isEmpty()) violation(q, r, "a " + r.status() + " that names no field or limit");
                    for (JsonNode p : problems)
                        if (p.path("field").asText("").isBlank()
                                || p.path("message").asText("").isBlank())
                            violation(q, r, "a problem without field or message");
                }
                if (r.status() == 413 && !j.path("error").asText().contains("http.maxRequestBytes"))
                    violation(q, r, "a 413 that does not name the limit");
                if (q.expectField() != null && problems != null) {
                    namedChecks++;
                    if (!hasField(problems, q.expectField()))
                        violation(q, r, "the rejection does not name the field " + q.expectField());
                }
            } else if (r.status() / 100 == 2 || r.status() / 100 == 3) {
                if (q.expectField() != null && q.method().equals("POST"))
                    violation(q, r, "accepted a value outside the documented range of " + q.expectField());
                if (r.type().startsWith("application/json") && !q.method().equals("HEAD") && r.json() == null)
                    violation(q, r, "a success whose JSON does not parse");
            } else {
                violation(q, r, "unexpected status class");
            }
        }

        static boolean hasField(JsonNode problems, String field) {
            for (JsonNode p : problems) {
                String f = p.path("field").asText();
                if (f.equals(field) || List.of(f.split(",\\s*")).contains(field)) return true;
            }
            return false;
        }

        static String matched(String text) {
            var m = LEAK.matcher(text);
            return m.find() ? text.substring(Math.max(0, m.start() - 40), Math.min(text.length(), m.end() + 40)) : "";
        }

        /** Accepted runs and labs: read back, check against the limits and rules, cancel; keep ids for later requests. */
        void followUp(Req q, Resp r) {
            boolean created = r.status() == 201 || r.status() == 200 || r.status() == 202;
            if (!created || !q.method().equals("POST")) {
                if (q.label().equals("DELETE /api/runs/{id}") && r.status() == 204) {
                    String id = q.target().substring(q.target().lastIndexOf('/') + 1);
                    runIds.remove(id);
                    removedIds.add(id);
                }
                return;
            }
            switch (q.label()) {
                case "POST /api/runs", "POST /api/labs/{id}/runs" -> {
                    acceptedRun(q, r);
                    if (q.label().startsWith("POST /api/labs")) {
                        String lab = q.target().split("/")[3];
                        JsonNode run = Configs.readObject(r.text(), "response").get("id");
                        if (run != null) labRuns.put(lab, run.asText());
                    }
                }
                case "POST /api/labs" -> acceptedLab(q, r);
                case "POST /api/sweeps" -> acceptedSweep(q, r);
                default -> {}
            }
        }

        void acceptedRun(Req q, Resp r) {
            accepted.merge(q.label(), 1, Integer::sum);
            JsonNode j = r.json();
            String id = j == null ? null : j.path("id").asText(null);
            if (id == null) {
                violation(q, r, "an accepted run without an id");
                return;
            }
            Resp back = send(new Req(
                    "GET /api/runs/{id}", "GET", "/api/runs/" + id, List.of(), null, false, false, null, "read back"));
            if (back == null || back.status() != 200 || back.json() == null) {
                violation(q, back, "an accepted run cannot be read back");
                return;
            }
            JsonNode config = back.json().get("config");
            RunConfig rc;
            try {
                rc = Configs.parse((ObjectNode) config);
                rc.validate(LIMITS);
            } catch (RuntimeException e) {
                violation(q, back, "accepted a config outside the server's limits or rules: " + e.getMessage());
                return;
            }
            if (rc.memoryBytes() > LIMITS.maxMemoryBytes()
                    || rc.work() > LIMITS.maxWork()
                    || rc.diskBytes() > LIMITS.maxDiskBytes())
                violation(
                        q,
                        back,
                        "accepted a run over the limits: " + rc.memoryBytes() + " B, " + rc.work() + " multiply-adds, "
                                + rc.diskBytes() + " B stored");
            if (q.label().equals("POST /api/runs")) {
                // the server runs exactly what was asked (a config, or a preset with its overrides)
                try {
                    ObjectNode body = Configs.readObject(new String(q.body(), StandardCharsets.UTF_8), "body");
                    ObjectNode doc =
                            body.has("preset") ? preset(body.get("preset").asText()) : body;
                    if (body.has("overrides")) doc = Configs.merge(doc, (ObjectNode) body.get("overrides"));
                    if (!Configs.canonical(Configs.parse(doc)).equals(Configs.canonical(rc)))
                        violation(q, back, "the stored config differs from the request");
                } catch (RuntimeException e) {
                    violation(q, back, "accepted a body this test cannot parse: " + e.getMessage());
                }
            } else {
                String labId = q.target().split("/")[3];
                LabInfo lab = labs.get(labId);
                if (lab != null) checkLabRules(q, back, lab, config);
            }
            String status = back.json().path("status").asText();
            if (!status.equals("FINISHED") && !status.equals("DIVERGED")) {
                Resp c = send(new Req(
                        "POST /api/runs/{id}/cancel",
                        "POST",
                        "/api/runs/" + id + "/cancel",
                        List.of(),
                        null,
                        false,
                        false,
                        null,
                        "cancel accepted"));
                if (c != null && c.status() != 200 && c.status() != 202)
                    violation(q, c, "cannot cancel an accepted run");
            }
            if (!runIds.contains(id)) runIds.add(id);
            if (runIds.size() > 200) runIds.remove(2 + rnd.nextInt(runIds.size() - 2)); // keep the fixtures
        }

        /** An accepted lab run: editable fields within the rule's range, every other field at the preset's value. */
        void checkLabRules(Req q, Resp back, LabInfo lab, JsonNode config) {
            ObjectNode full = Configs.merge(
                    Configs.defaults(preset(lab.preset()).get("task").asText()), preset(lab.preset()));
            JsonNode fields = lab.view().get("fields");
            for (var it = config.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode rule = fields.get(e.getKey());
                if (rule != null && rule.path("mode").asText().equals("editable")) {
                    double v = e.getValue().asDouble();
                    if (rule.has("min") && v < rule.get("min").asDouble()
                            || rule.has("max") && v > rule.get("max").asDouble())
                        violation(q, back, "a lab run outside the lab's range of " + e.getKey() + ": " + e.getValue());
                } else if (!e.getValue().equals(full.get(e.getKey()))
                        && !(e.getValue().isNumber()
                                && full.get(e.getKey()).isNumber()
                                && e.getValue().asDouble()
                                        == full.get(e.getKey()).asDouble())) {
                    violation(
                            q,
                            back,
                            "a lab run changed the locked field " + e.getKey() + ": " + e.getValue() + " instead of "
                                    + full.get(e.getKey()));
                }
            }
        }

        /** An accepted sweep: readable, every member's config within the limits; cancelled, its id kept. */
        void acceptedSweep(Req q, Resp r) {
            accepted.merge(q.label(), 1, Integer::sum);
            JsonNode j = r.json();
            String id = j == null ? null : j.path("id").asText(null);
            if (id == null || !j.path("members").isArray() || j.get("members").isEmpty()) {
                violation(q, r, "an accepted sweep without an id or members");
                return;
            }
            for (JsonNode m : j.get("members")) {
                String run = m.path("run_id").asText(null);
                if (run == null) continue; // waiting for a place in the queue
                JsonNode back = s.get("/api/runs/" + run).json();
                try {
                    Configs.parse((ObjectNode) back.get("config")).validate(LIMITS);
                } catch (RuntimeException e) {
                    violation(q, r, "a sweep member outside the server's limits: " + e.getMessage());
                }
            }
            Resp c = send(new Req(
                    "POST /api/sweeps/{id}/cancel",
                    "POST",
                    "/api/sweeps/" + id + "/cancel",
                    List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    "{}".getBytes(StandardCharsets.UTF_8),
                    false,
                    false,
                    null,
                    "cancel accepted"));
            if (c != null && c.status() != 200) violation(q, c, "cannot cancel an accepted sweep");
            sweepIds.add(id);
            if (sweepIds.size() > 50) sweepIds.remove(1 + rnd.nextInt(sweepIds.size() - 1)); // keep the fixture
        }

        void acceptedLab(Req q, Resp r) {
            accepted.merge(q.label(), 1, Integer::sum);
            JsonNode j = r.json();
            if (j == null || !j.has("id") || !j.has("lab")) {
                violation(q, r, "an accepted lab without id or view");
                return;
            }
            String id = j.get("id").asText();
            ObjectNode body = Configs.readObject(new String(q.body(), StandardCharsets.UTF_8), "lab");
            JsonNode fields = body.get("fields");
            if (fields != null && fields.isObject())
                fields.fields().forEachRemaining(e -> {
                    if (e.getValue().path("mode").asText().equalsIgnoreCase("hidden")
                            && j.get("lab").get("fields").has(e.getKey()))
                        violation(q, r, "a hidden field is shown to students: " + e.getKey());
                });
            labs.put(id, new LabInfo(body.get("preset").asText(), j.get("lab")));
            labKeys.put(id, j.path("teacher_key").asText());
            labIds.add(id);
            if (labIds.size() > 60) labIds.remove(2 + rnd.nextInt(labIds.size() - 2));
        }

        static ObjectNode preset(String id) {
            return Presets.all().stream()
                    .filter(p -> p.id().equals(id))
                    .findFirst()
                    .orElseThrow()
                    .config()
                    .deepCopy();
        }

        // ---- generators: POST /api/runs

        Req postRun() {
            int k = rnd.nextInt(100);
            String task = pick(TASKS);
            Req q;
            if (k < 22)
                q = post("POST /api/runs", "/api/runs", json(smallConfig(task))); // valid and small: mostly accepted
            else if (k < 40) q = boundary(task); // one field at or beyond its range
            else if (k < 50) q = wrongType(task);
            else if (k < 55) q = unknownField(task);
            else if (k < 65) q = presetRun();
            else if (k < 80) q = post("POST /api/runs", "/api/runs", malformed(task));
            else if (k < 88)
                q = post("POST /api/runs", "/api/runs", randomJson(0).getBytes(StandardCharsets.UTF_8));
            else if (k < 92) q = hugeBody("POST /api/runs", "/api/runs", task);
            else if (k < 96) q = randomConfig(task);
            else q = oddHeaders(post("POST /api/runs", "/api/runs", json(smallConfig(task))));
            return q;
        }

        /** A valid config of the task, small enough to be accepted under {@link #LIMITS} most of the time. */
        Map<String, String> smallConfig(String task) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("task", str(task));
            switch (task) {
                case DiagSpec.NAME -> {
                    boolean sparse = rnd.nextBoolean();
                    int d = 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 3000);
                    c.put("data", str(sparse ? "sparse" : "gaussian"));
                    c.put("d", num(d));
                    c.put("n", num(1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 200)));
                    c.put("nTest", num(1 + rnd.nextInt(2000)));
                    if (sparse) c.put("k", num(Math.min(d % 2 == 1 ? d : d - 1, 1 + 2 * rnd.nextInt(4))));
                    else c.put("gamma", dbl(rnd.nextDouble() * 50));
                    c.put("depth", num(1 + rnd.nextInt(8)));
                    c.put("alpha", dbl(0.01 + rnd.nextDouble() * 200));
                    c.put("lr", dbl(1e-4 + rnd.nextDouble()));
                    c.put("weightDecay", dbl(rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.01));
                    c.put("steps", num(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 20_000)));
                }
                case McSpec.NAME -> {
                    int d = 2 + rnd.nextInt(rnd.nextBoolean() ? 20 : 80);
                    c.put("target", str(rnd.nextBoolean() ? "table" : "lowrank"));
                    c.put("d", num(d));
                    c.put("rank", num(1 + rnd.nextInt(Math.min(d, 4))));
                    c.put("observed", dbl(Math.max(1.0 / (d * d) + 1e-9, rnd.nextDouble())));
                    c.put("alpha", dbl(0.01 + rnd.nextDouble() * 20));
                    c.put("sigma", dbl(rnd.nextBoolean() ? 0 : rnd.nextDouble()));
                    c.put("lr", dbl(1e-4 + rnd.nextDouble() * 0.5));
                    c.put("weightDecay", dbl(rnd.nextDouble() * 0.01));
                    c.put("steps", num(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 50_000)));
                }
                case ModaddSpec.NAME -> {
                    int p = 2 + rnd.nextInt(30);
                    boolean ln = rnd.nextInt(4) == 0;
                    c.put("p", num(p));
                    c.put(
                            "trainFraction",
                            dbl(Math.min(1 - 1.0 / (p * p), Math.max(1.0 / (p * p) + 1e-9, rnd.nextDouble()))));
                    c.put("width", num(1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 256)));
                    c.put("alpha", dbl(0.01 + rnd.nextDouble() * 10));
                    c.put("zeroLastLayer", String.valueOf(rnd.nextBoolean()));
                    c.put("lr", dbl(1e-3 + rnd.nextDouble()));
                    c.put("lossNormalised", String.valueOf(ln));
                    c.put("weightDecay", ln ? "0" : dbl(rnd.nextDouble() * 0.01));
                    c.put("lrFactor", dbl(0.1 + rnd.nextDouble() * 20));
                    c.put("logLossSwitch", dbl(-rnd.nextDouble() * 10));
                    c.put("steps", num(1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 5_000)));
                }
                default -> { // a plug-in task: its defaults (small by convention), fewer steps
                    Configs.defaults(task).fields().forEachRemaining(e -> {
                        if (!e.getKey().equals("task"))
                            c.put(e.getKey(), e.getValue().toString());
                    });
                    c.put("steps", num(1 + rnd.nextInt(100)));
                }
            }
            c.put("evalPerDecade", num(1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 1000)));
            c.put("seed", num(rnd.nextInt(4) == 0 ? (long) SEED_MAX - rnd.nextInt(3) : rnd.nextInt(1_000_000)));
            if (rnd.nextInt(3) == 0) dropSome(c); // defaults fill what is left out (often over the small limits)
            return c;
        }

        void dropSome(Map<String, String> c) {
            List<String> keys = new ArrayList<>(c.keySet());
            keys.remove("task");
            for (String k : keys) if (rnd.nextInt(4) == 0) c.remove(k);
        }

        /** One field at a boundary: in range (must not be rejected for that field) or out of it (must be rejected naming it). */
        Req boundary(String task) {
            Map<String, String> c = smallConfig(task);
            Field f = pick(FIELDS.get(task));
            if (f.kind() == 'b' || f.kind() == 's') return wrongType(task);
            FieldSpec spec = TaskSpecs.get(task).fields().stream()
                    .filter(x -> x.key().equals(f.name()))
                    .findFirst()
                    .orElseThrow();
            spec.appliesWhen()
                    .forEach((other, values) -> c.put(
                            other,
                            values.getFirst().equals("true")
                                            || values.getFirst().equals("false")
                                    ? values.getFirst()
                                    : str(values.getFirst()))); // the field is used, so its range is checked
            if (task.equals(McSpec.NAME) && f.name().equals("rank")) c.put("d", num(256)); // rank ≤ d
            if (task.equals(ModaddSpec.NAME) && f.name().equals("weightDecay"))
                c.put("lossNormalised", "false"); // λ = 0 when loss-normalised
            boolean integral = f.kind() != 'd';
            double lo = f.lo(), hi = f.hi();
            String v = switch (rnd.nextInt(12)) {
                case 0 -> integral ? num((long) lo) : dbl(f.loOpen() ? Math.nextUp(lo) : lo);
                case 1 -> integral ? num((long) hi) : dbl(hi);
                case 2 -> integral ? num((long) lo - 1) : dbl(f.loOpen() ? lo : Math.nextDown(lo));
                case 3 -> integral ? num((long) hi + 1) : dbl(Math.nextUp(hi));
                case 4 ->
                    integral
                            ? pick(List.of("-1", "-2147483648", "-9223372036854775808"))
                            : pick(List.of("-1", "-1e308", "-4.9e-324", "-0.0"));
                case 5 -> pick(List.of("1e400", "-1e400", "1e308", "1.7976931348623157e308"));
                case 6 ->
                    pick(List.of(
                            "2147483648",
                            "9223372036854775807",
                            "9223372036854775808",
                            "-9223372036854775809",
                            "123456789012345678901234567890",
                            "1" + "0".repeat(400)));
                case 7 -> "0";
                case 8 -> integral ? "1.5" : "4.9e-324";
                case 9 -> integral ? "1.0" : "-0";
                case 10 -> "0." + "0".repeat(rnd.nextInt(2000)) + "1";
                default -> integral ? "1e3" : "1E-5";
            };
            c.put(f.name(), v);
            Req q = post("POST /api/runs", "/api/runs", json(c));
            q = new Req(
                    q.label(),
                    q.method(),
                    q.target(),
                    q.headers(),
                    q.body(),
                    false,
                    false,
                    null,
                    "boundary " + f.name() + "=" + abbreviate(v, 30));
            return outside(f, v) && v.length() <= 1000
                    ? q.withExpect(f.name())
                    : q; // longer numbers are refused by the parser, for the whole body
        }

        /** Whether a JSON number literal is outside the field's documented range (or not an integer for an integer field). */
        static boolean outside(Field f, String literal) {
            BigDecimal v = new BigDecimal(literal);
            if (f.kind() != 'd') {
                if (literal.contains(".") || literal.contains("e") || literal.contains("E"))
                    return true; // a float for an integer field
                return v.compareTo(BigDecimal.valueOf(f.lo())) < 0 || v.compareTo(new BigDecimal(f.hi())) > 0;
            }
            double d = v.doubleValue(); // as the parser reads it: 1e400 is Infinity, 0.000…1 may underflow to 0
            if (!Double.isFinite(d)) return true;
            return d > f.hi() || (f.loOpen() ? d <= f.lo() : d < f.lo());
        }

        Req wrongType(String task) {
            Map<String, String> c = smallConfig(task);
            Field f = pick(FIELDS.get(task));
            String v = switch (f.kind()) {
                case 's' ->
                    pick(List.of(
                            "1",
                            "true",
                            "[]",
                            "{}",
                            "[\"table\"]",
                            str(""),
                            str(randomString(12)),
                            str(f.choices().getFirst().toUpperCase(Locale.ROOT)),
                            str(" " + f.choices().getFirst())));
                case 'b' -> pick(List.of("1", "0", str("true"), "null", "[]", "{}", str("yes")));
                default ->
                    pick(List.of(
                            str("12"),
                            str(randomString(6)),
                            "true",
                            "false",
                            "null",
                            "[]",
                            "[1]",
                            "{}",
                            "{\"value\":1}",
                            str("NaN"),
                            str("1e3")));
            };
            if (f.kind() == 's' && v.equals(str(""))) v = str("x");
            c.put(f.name(), v);
            Req q = post("POST /api/runs", "/api/runs", json(c));
            // null for a string field is reported by the rules, for a number or boolean by the parser: the field is
            // named either way
            return new Req(
                    q.label(),
                    q.method(),
                    q.target(),
                    q.headers(),
                    q.body(),
                    false,
                    false,
                    f.name(),
                    "wrong type " + f.name() + "=" + v);
        }

        Req unknownField(String task) {
            Map<String, String> c = smallConfig(task);
            String name = pick(List.of(
                    "colour",
                    "D",
                    "Steps",
                    "lr ",
                    "seed\u0000",
                    "überfeld",
                    "字段",
                    "\uD83D\uDE00",
                    "__proto__",
                    "constructor",
                    "a.b",
                    "x".repeat(300),
                    randomString(1 + rnd.nextInt(20))));
            // a random name can be a real one ("n", seed 4 found): that is no unknown field
            if (FIELDS.get(task).stream().anyMatch(f -> f.name().equals(name)) || name.equals("task"))
                return unknownField(task);
            c.put(name, pick(List.of("1", "null", str("v"), "[]", "{}")));
            Req q = post("POST /api/runs", "/api/runs", json(c));
            return new Req(
                    q.label(), q.method(), q.target(), q.headers(), q.body(), false, false, name, "unknown field");
        }

        Req presetRun() {
            ObjectNode body = Configs.JSON.createObjectNode();
            int k = rnd.nextInt(10);
            String id = k < 7
                    ? pick(presetIds)
                    : pick(List.of(
                            "fig99",
                            "",
                            "../fig3-classroom",
                            "fig3-classroom ",
                            "FIG3-CLASSROOM",
                            "fig3-classroom\u0000",
                            randomString(10)));
            if (k == 9) body.put("preset", 3);
            else body.put("preset", id);
            String task = k < 7 ? preset(id).get("task").asText() : pick(TASKS);
            int o = rnd.nextInt(6);
            if (o == 0) {
                /* no overrides */
            } else if (o == 1)
                body.set("overrides", Configs.JSON.getNodeFactory().textNode("steps=10"));
            else {
                ObjectNode ov = body.putObject("overrides");
                Map<String, String> c = smallConfig(task);
                c.remove("task");
                if (rnd.nextInt(3) > 0) {
                    ov.put("steps", 1 + rnd.nextInt(200));
                    if (task.equals(DiagSpec.NAME)) ov.put("d", 1 + rnd.nextInt(500));
                    if (task.equals(ModaddSpec.NAME)) ov.put("width", 1 + rnd.nextInt(32));
                } else {
                    for (var e : c.entrySet())
                        if (rnd.nextInt(3) == 0)
                            ov.set(
                                    e.getKey(),
                                    Configs.readObject("{\"v\":" + e.getValue() + "}", "v")
                                            .get("v"));
                }
                if (rnd.nextInt(8) == 0) ov.put(pick(List.of("task", "colour", "preset")), pick(TASKS));
                if (rnd.nextInt(8) == 0) body.put("extra", 1);
            }
            return post("POST /api/runs", "/api/runs", body.toString().getBytes(StandardCharsets.UTF_8));
        }

        Req randomConfig(String task) {
            // every field random over a wide range (valid or not): the server must classify each without failing
            Map<String, String> c = new LinkedHashMap<>();
            c.put("task", str(task));
            for (Field f : FIELDS.get(task)) {
                if (rnd.nextInt(3) == 0) continue;
                c.put(
                        f.name(),
                        switch (f.kind()) {
                            case 's' -> str(rnd.nextInt(5) == 0 ? randomString(5) : pick(f.choices()));
                            case 'b' -> String.valueOf(rnd.nextBoolean());
                            case 'd' -> dbl(randomDouble(f.hi()));
                            default -> num((long) Math.floor(randomDouble(f.hi())));
                        });
            }
            return post("POST /api/runs", "/api/runs", json(c));
        }

        double randomDouble(double hi) {
            return switch (rnd.nextInt(6)) {
                case 0 -> rnd.nextDouble() * hi;
                case 1 -> -rnd.nextDouble() * hi;
                case 2 -> Math.pow(10, rnd.nextInt(40) - 20);
                case 3 -> rnd.nextInt(3) - 1;
                case 4 -> hi * (1 + rnd.nextDouble());
                default -> rnd.nextGaussian() * 1000;
            };
        }

        /** Broken JSON of many kinds (the parser must name "json" and the position, never fail). */
        byte[] malformed(String task) {
            String good = new String(json(smallConfig(task)), StandardCharsets.UTF_8);
            int k = rnd.nextInt(26);
            String s = switch (k) {
                case 0 -> good.substring(0, rnd.nextInt(good.length())); // truncated
                case 1 -> good + pick(List.of("}", "]", "x", ",", " {}", "\u0000", "null")); // trailing garbage
                case 2 -> good.replace('"', '\'');
                case 3 ->
                    "{\"task\":" + str(task) + ",\"alpha\":"
                            + pick(List.of(
                                    "NaN",
                                    "Infinity",
                                    "-Infinity",
                                    "+1",
                                    ".5",
                                    "5.",
                                    "0x10",
                                    "1e",
                                    "--1",
                                    "01",
                                    "1_000"))
                            + "}";
                case 4 -> "[".repeat(10_000) + "]".repeat(10_000);
                case 5 -> "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
                case 6 -> "{\"task\":" + str(task) + ",\"d\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
                case 7 -> "";
                case 8 -> pick(List.of("null", "true", "42", "\"mc\"", "[]", "[{\"task\":\"mc\"}]", " ", "\n\n"));
                case 9 -> "{\"task\":\"" + task + "\u0001\u0002\"}"; // raw control characters in a string
                case 10 -> "{\"task\":\"\\uD800\",\"x\":\"\\uDFFF\\u0000\"}"; // lone surrogates, NUL escaped
                case 11 -> "\uFEFF" + good; // a byte-order mark
                case 12 -> good.replace(":", "=");
                case 13 -> "/* comment */" + good;
                case 14 -> good.replaceFirst("\\{", "{,");
                case 15 ->
                    "{\"task\":" + str(task) + ",\"steps\":" + "9".repeat(1001 + rnd.nextInt(4000))
                            + "}"; // a number too long to parse
                case 16 -> "{\"task\":\"" + "x".repeat(100_001) + "\"}"; // a string over the parser's limit
                case 17 -> "{\"" + "k".repeat(60_000) + "\":1}";
                case 18 -> randomString(1 + rnd.nextInt(200));
                case 19 -> good.replace("\"task\"", "task");
                case 20 ->
                    "{\"task\":" + str(task) + ",\"seed\":1,\"seed\":2,\"steps\":" + rnd.nextInt(100)
                            + "}"; // duplicate keys
                case 21 -> good.replace(",", ",,");
                case 22 -> "{\"task\":" + str(task) + ",\"alpha\":1e99999}";
                case 23 -> "{\"task\":" + str(task) + ",\"lr\":-}";
                case 24 -> good.substring(0, good.length() - 1) + ",}";
                default -> "{\"task\":\"" + task + "\"" + ",\"x\":\"\\q\"}"; // a bad escape
            };
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (rnd.nextInt(12) == 0 && b.length > 3) { // invalid UTF-8 somewhere
                b = b.clone();
                b[rnd.nextInt(b.length)] = (byte) (int) pick(List.of(0xff, 0xc0, 0x80, 0xed, 0xf8));
            }
            return b;
        }

        /** A random JSON document, nested, with config-like keys. */
        String randomJson(int depth) {
            int k = rnd.nextInt(depth == 0 ? 3 : 9);
            return switch (k) {
                case 0, 1 -> {
                    StringBuilder b = new StringBuilder("{");
                    int n = rnd.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        if (i > 0) b.append(',');
                        String key = rnd.nextInt(3) == 0
                                ? randomString(5)
                                : pick(List.of(
                                        "task",
                                        "preset",
                                        "overrides",
                                        "d",
                                        "steps",
                                        "seed",
                                        "p",
                                        "width",
                                        "data",
                                        "target"));
                        b.append(str(key)).append(':').append(depth < 4 ? randomJson(depth + 1) : "1");
                    }
                    yield b.append('}').toString();
                }
                case 2 -> "[" + (depth < 4 ? randomJson(depth + 1) + "," + randomJson(depth + 1) : "") + "]";
                case 3 -> str(rnd.nextBoolean() ? pick(TASKS) : randomString(8));
                case 4 -> dbl(randomDouble(1e6));
                case 5 -> num(rnd.nextLong());
                case 6 -> String.valueOf(rnd.nextBoolean());
                case 7 -> "null";
                default ->
                    pick(List.of(
                            "1e400",
                            "-0",
                            "0.0",
                            "123456789012345678901234567890",
                            "\"\\u0000\"",
                            "\"\\uD83D\\uDE00\""));
            };
        }

        /** Bodies around and far over http.maxRequestBytes (some sent chunked, without a length). */
        Req hugeBody(String label, String path, String task) {
            int k = rnd.nextInt(HEAVY ? 4 : 6);
            byte[] body;
            if (k == 0) body = pad(json(smallConfig(task)), 10 << 20);
            else if (k == 1) body = pad(json(smallConfig(task)), MAX_BODY + 1);
            else if (k == 2) body = pad(json(smallConfig(task)), MAX_BODY); // exactly at the limit: allowed
            else if (k == 3) body = pad(json(smallConfig(task)), MAX_BODY - 100);
            else body = pad(json(smallConfig(task)), 2 * MAX_BODY);
            boolean chunked = rnd.nextBoolean();
            return new Req(
                    label,
                    "POST",
                    path,
                    List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    body,
                    chunked,
                    oddTarget(path),
                    null,
                    body.length + " B" + (chunked ? " chunked" : ""));
        }

        static byte[] pad(byte[] json, int size) {
            byte[] b = new byte[size];
            Arrays.fill(b, (byte) ' ');
            System.arraycopy(json, 0, b, 0, Math.min(json.length, size));
            return b;
        }

        /**
         * The request with one odd header beside its JSON type, or an odd type in its place. A body a cross-site page
         * could send (not declared JSON) must get 415, a foreign Origin 403: each naming its header.
         */
        Req oddHeaders(Req q) {
            List<String[]> h = new ArrayList<>(q.headers());
            String expect = null;
            switch (rnd.nextInt(9)) {
                case 0 ->
                    h.set(0, new String[] {
                        "Content-Type",
                        "application/json; charset="
                                + pick(List.of("utf-16", "latin1", "nonsense", "utf-8", "UTF-32", "\"utf-8\""))
                    });
                case 1 -> {
                    h.set(0, new String[] {
                        "Content-Type",
                        pick(List.of(
                                "text/plain",
                                "application/x-www-form-urlencoded",
                                "multipart/form-data; boundary=x",
                                "*/*",
                                "",
                                "application/xml"))
                    });
                    expect = "Content-Type";
                }
                case 2 ->
                    h.add(new String[] {
                        "X-Forwarded-For",
                        pick(List.of(
                                "1.2.3.4",
                                "::1, 10.0.0.1",
                                "evil\u0001",
                                "' OR 1=1",
                                randomString(10).replaceAll("[\\r\\n]", "")))
                    });
                case 3 ->
                    h.add(new String[] {
                        "Accept", pick(List.of("text/html", "application/xml", "*/*", "application/json;q=0"))
                    });
                case 4 -> h.add(new String[] {"Content-Encoding", pick(List.of("gzip", "br", "deflate"))});
                case 5 -> h.add(new String[] {"Expect", "100-continue"});
                case 6 -> h.add(new String[] {"Cookie", "a=" + "b".repeat(1000)});
                case 7 -> {
                    h.clear(); // a body and no type at all
                    expect = "Content-Type";
                }
                default -> {
                    h.add(new String[] {
                        pick(List.of("Origin", "Sec-Fetch-Site")),
                        pick(List.of("http://evil.example", "null", "cross-site", "same-site"))
                    });
                    expect = "Origin";
                }
            }
            String[] odd = h.isEmpty() ? new String[] {"Content-Type", "(none)"} : h.getLast();
            return new Req(
                    q.label(),
                    q.method(),
                    q.target(),
                    h,
                    q.body(),
                    q.chunked(),
                    odd[1].chars().anyMatch(c -> c < 32 || c > 126),
                    expect,
                    "headers " + odd[0] + ": " + abbreviate(odd[1], 40));
        }

        // ---- generators: run subresources

        /** A run id: real ones (finished, cancelled, removed) or garbage, traversal, unicode, encodings. */
        String[] id() {
            int k = rnd.nextInt(20);
            if (k < 6 && !runIds.isEmpty()) return new String[] {pick(runIds), ""};
            if (k < 7) return new String[] {finished, ""};
            if (k < 8 && !removedIds.isEmpty()) return new String[] {pick(removedIds), ""};
            if (k < 11) return new String[] {randomId(), ""};
            if (k < 12) return new String[] {pick(labIds), ""}; // a lab id is no run id
            return hostile();
        }

        /** {text, "odd"?}: traversal, encoded slashes, unicode, control characters, huge. */
        String[] hostile() {
            List<String> plain = List.of(
                    "..",
                    "...",
                    "..%2F..%2Fetc%2Fpasswd",
                    "%2e%2e",
                    "%2e%2e%2f%2e%2e%2fetc",
                    "..%5c..%5cwindows",
                    "%252e%252e%252f",
                    "%C3%A9%C3%A9",
                    "%E2%80%AE",
                    "%F0%9F%98%80",
                    "null",
                    "undefined",
                    "-1",
                    "0",
                    "%27%20OR%201%3D1",
                    "*",
                    "%2A",
                    "AAAAAAAAAAAAAAAAAAAAA%3D",
                    "runs.db",
                    "AAAAAAAAAAAAAAAAAAAAAA.json",
                    "a%2Fb",
                    "%2F",
                    "%5C",
                    "%3B",
                    "x;y=z",
                    "A".repeat(22 * 50),
                    "%20",
                    "~root",
                    "%7E");
            List<String> odd = List.of(
                    "../../etc/passwd",
                    "../..",
                    "./.",
                    "%00",
                    "a%00b",
                    "%zz",
                    "%",
                    "é",
                    "字",
                    "\uD83D\uDE00",
                    "a b",
                    "a\tb",
                    "\u0001",
                    "%C0%AE%C0%AE",
                    "a%c0%80",
                    "//",
                    "a\\b",
                    "A".repeat(10_000),
                    "?",
                    "#frag",
                    "a\u007fb");
            if (rnd.nextInt(3) == 0) return new String[] {pick(odd), "odd"};
            return new String[] {pick(plain), ""};
        }

        String randomId() {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            StringBuilder b = new StringBuilder();
            int n = rnd.nextInt(4) == 0 ? rnd.nextInt(40) : 22;
            for (int i = 0; i < n; i++) b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            return b.toString();
        }

        Req get(String label, String target) {
            return new Req(label, "GET", target, List.of(), null, false, oddTarget(target), null, null);
        }

        Req post(String label, String target, byte[] body) {
            return new Req(
                    label,
                    "POST",
                    target,
                    List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    body,
                    false,
                    oddTarget(target),
                    null,
                    null);
        }

        static boolean oddTarget(String t) {
            return t.length() > 4000
                    || t.chars().anyMatch(c -> c <= 32 || c >= 127 || c == '\\')
                    || t.contains("..")
                    || t.contains("./")
                    || t.contains("//")
                    || t.toLowerCase(Locale.ROOT).matches(".*%(00|zz|c0|2e|$|[0-9a-f]?[^0-9a-f]).*")
                    || t.contains("#");
        }

        Req runPath(String label, String suffix, String method, byte[] body) {
            String[] id = id();
            String target = "/api/runs/" + id[0] + suffix;
            Req q = new Req(
                    label,
                    method,
                    target,
                    body == null ? List.of() : List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    body,
                    false,
                    !id[1].isEmpty() || oddTarget(target),
                    null,
                    null);
            return q;
        }

        Req getRun() {
            return runPath("GET /api/runs/{id}", rnd.nextInt(5) == 0 ? "?" + query() : "", "GET", null);
        }

        Req listRuns() {
            StringBuilder q = new StringBuilder();
            for (String p : List.of("task", "status", "offset", "limit")) {
                if (rnd.nextInt(3) > 0) continue;
                String v = switch (p) {
                    case "task" ->
                        rnd.nextBoolean()
                                ? pick(TASKS)
                                : pick(List.of("", "MC", enc(randomString(6)), "%27%3B--", "%00"));
                    case "status" ->
                        pick(List.of(
                                "queued",
                                "running",
                                "finished",
                                "cancelled",
                                "failed",
                                "diverged",
                                "FINISHED",
                                "sleeping",
                                "",
                                "%00",
                                enc(randomString(4))));
                    default ->
                        pick(List.of(
                                "0",
                                "1",
                                "-1",
                                "500",
                                "501",
                                "2147483647",
                                "2147483648",
                                "99999999999999999999",
                                "1.5",
                                "1e3",
                                "",
                                "abc",
                                "0x10",
                                "%2B1",
                                "+1",
                                " 1"));
                };
                q.append(q.isEmpty() ? "?" : "&").append(p).append('=').append(v);
            }
            if (rnd.nextInt(6) == 0) q.append(q.isEmpty() ? "?" : "&").append(query());
            String t = "/api/runs" + q.toString().replace(" ", "%20");
            return get("GET /api/runs", t);
        }

        Req metrics() {
            String f = rnd.nextInt(3) > 0
                    ? pick(List.of("?format=json", "?format=csv", ""))
                    : "?format=" + pick(List.of("xml", "", "JSON", "csv%00", enc(randomString(5)), "json&format=csv"));
            return runPath("GET /api/runs/{id}/metrics", "/metrics" + f, "GET", null);
        }

        Req runConfig() {
            return runPath("GET /api/runs/{id}/config", "/config", "GET", null);
        }

        Req snapshotList() {
            return runPath("GET /api/runs/{id}/snapshots", "/snapshots", "GET", null);
        }

        Req snapshot() {
            String name, step;
            if (rnd.nextInt(3) > 0) {
                String[] sn = pick(snapshots);
                name = sn[0];
                step = sn[1];
            } else {
                name = pick(List.of(
                        "W",
                        "early",
                        "late",
                        "w",
                        "..",
                        "%2e%2e",
                        "..%2F..%2Fetc",
                        "W%00",
                        enc(randomString(5)),
                        "x".repeat(300),
                        "U",
                        "%2F"));
                step = pick(List.of(
                        "-1",
                        "0",
                        "1",
                        "9223372036854775807",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "1e3",
                        "NaN",
                        "1.0",
                        "%201",
                        "0x1F",
                        "%2B1",
                        "99999999999999999999999",
                        "-0",
                        "abc",
                        "%00"));
            }
            String format = rnd.nextInt(4) > 0
                    ? pick(List.of("", "?format=json", "?format=f32"))
                    : "?format=" + pick(List.of("f64", "png", "", "F32", enc(randomString(4))));
            String[] id = rnd.nextInt(3) > 0 ? new String[] {finished, ""} : id();
            String target = "/api/runs/" + id[0] + "/snapshots/" + name + "/" + step + format;
            return new Req(
                    "GET /api/runs/{id}/snapshots/{name}/{step}",
                    "GET",
                    target,
                    List.of(),
                    null,
                    false,
                    !id[1].isEmpty() || oddTarget(target),
                    null,
                    null);
        }

        Req cancel() {
            return runPath(
                    "POST /api/runs/{id}/cancel",
                    "/cancel",
                    "POST",
                    rnd.nextBoolean() ? null : randomJson(0).getBytes(StandardCharsets.UTF_8));
        }

        Req delete() {
            if (victim != null && total > REQUESTS / 3 && !removedIds.contains(victim)) {
                String v = victim;
                victim = null; // a finished run, removed once: afterwards its id answers like one that never was
                return new Req(
                        "DELETE /api/runs/{id}",
                        "DELETE",
                        "/api/runs/" + v,
                        List.of(),
                        null,
                        false,
                        false,
                        null,
                        "remove the victim");
            }
            List<String> deletable = runIds.subList(2, runIds.size()); // never the finished fixture
            if (!deletable.isEmpty() && rnd.nextBoolean())
                return new Req(
                        "DELETE /api/runs/{id}",
                        "DELETE",
                        "/api/runs/" + pick(deletable),
                        List.of(),
                        null,
                        false,
                        false,
                        null,
                        null);
            Req q = runPath("DELETE /api/runs/{id}", "", "DELETE", null);
            return q.target().endsWith("/" + finished)
                    ? new Req(q.label(), "DELETE", "/api/runs/" + randomId(), List.of(), null, false, false, null, null)
                    : q;
        }

        Req streamAsHttp() {
            return runPath(
                    "GET /api/runs/{id}/stream",
                    "/stream"
                            + (rnd.nextBoolean()
                                    ? ""
                                    : "?from=" + pick(List.of("0", "-1", "x", "99999999999999999999"))),
                    "GET",
                    null);
        }

        // ---- generators: labs

        Req postLab() {
            ObjectNode body = Configs.JSON.createObjectNode();
            int k = rnd.nextInt(20);
            if (k == 0) return post("POST /api/labs", "/api/labs", malformed(pick(TASKS)));
            if (k == 1) return hugeBody("POST /api/labs", "/api/labs", pick(TASKS));
            if (k == 2) return post("POST /api/labs", "/api/labs", randomJson(0).getBytes(StandardCharsets.UTF_8));
            String preset = rnd.nextInt(8) > 0
                    ? pick(List.of("fig3-classroom", "fig3-classroom", "fig3-classroom", pick(presetIds)))
                    : pick(List.of("nope", "", "../fig3-classroom"));
            if (rnd.nextInt(15) == 0) body.put("preset", rnd.nextInt(100));
            else if (rnd.nextInt(15) > 0) body.put("preset", preset);
            if (rnd.nextInt(3) == 0) {
                int n = pick(List.of(0, 10, 4000, 4001, 100_000));
                if (rnd.nextInt(10) == 0) body.put("instructions", 5);
                else body.put("instructions", n == 0 ? randomString(rnd.nextInt(100)) : "é".repeat(n));
            }
            if (rnd.nextInt(10) == 0) body.put(pick(List.of("extra", "id", "rules")), "x");
            if (rnd.nextInt(4) > 0) {
                ObjectNode fields = body.putObject("fields");
                String task =
                        presetIds.contains(preset) ? preset(preset).get("task").asText() : McSpec.NAME;
                List<Field> fs = FIELDS.get(task);
                int n = 1 + rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    String name =
                            rnd.nextInt(10) == 0 ? pick(List.of("task", "nope", randomString(4), "")) : pick(fs).name();
                    ObjectNode rule = fields.putObject(name);
                    rule.put(
                            "mode",
                            rnd.nextInt(8) == 0
                                    ? pick(List.of("open", "", "EDITABLE", "Hidden", "1"))
                                    : pick(List.of("editable", "locked", "hidden")));
                    if (rnd.nextBoolean()) {
                        Field f = fs.stream()
                                .filter(x -> x.name().equals(name))
                                .findFirst()
                                .orElse(null);
                        double lo = f == null ? 0 : f.lo(), hi = f == null ? 1 : Math.min(f.hi(), 1e6);
                        for (String bound : List.of("min", "max")) {
                            if (rnd.nextBoolean()) continue;
                            switch (rnd.nextInt(7)) {
                                case 0 -> rule.put(bound, "5");
                                case 1 -> rule.putNull(bound);
                                case 2 -> rule.put(bound, new BigDecimal("1e400"));
                                case 3 -> rule.put(bound, bound.equals("min") ? hi : lo);
                                default ->
                                    rule.put(
                                            bound,
                                            bound.equals("min")
                                                    ? lo + rnd.nextDouble() * (hi - lo) / 4
                                                    : hi - rnd.nextDouble() * (hi - lo) / 4);
                            }
                        }
                    }
                }
                if (rnd.nextInt(12) == 0) body.put("fields", pick(List.of("all", "[]")));
            }
            Req q = post("POST /api/labs", "/api/labs", body.toString().getBytes(StandardCharsets.UTF_8));
            return rnd.nextInt(20) == 0 ? oddHeaders(q) : q;
        }

        String labId() {
            int k = rnd.nextInt(10);
            if (k < 7) return pick(labIds);
            if (k < 8) return randomId();
            if (k < 9) return finished; // a run id is no lab id
            return hostile()[0];
        }

        /** The teacher's routes: with the lab's key mostly, else none, a wrong one, or the lab id; odd bodies for share. */
        Req teacher() {
            String id = labId();
            String key = labKeys.get(id);
            int k = rnd.nextInt(10);
            String q = k < 6 && key != null
                    ? "?key=" + key
                    : k < 7 ? "" : k < 8 ? "?key=" + id : k < 9 ? "?key=" + randomId() : "?key=" + hostile()[0];
            String base = "/api/labs/" + id;
            String run = rnd.nextInt(4) > 0 && labRuns.containsKey(id) ? labRuns.get(id) : pick(runIds);
            return switch (rnd.nextInt(7)) {
                case 0 -> get("GET /api/labs/{id}/results", base + "/results" + q);
                case 1 -> get("GET /api/labs/{id}/results.csv", base + "/results.csv" + q);
                case 2 -> // never the fixtures: a closed lab refuses the lab runs the rest of the fuzz needs
                    post("POST /api/labs/{id}/close", base + "/close" + (labIds.indexOf(id) < 2 ? "" : q), new byte[0]);
                case 3 ->
                    post("POST /api/labs/{id}/runs/{runId}/hide", base + "/runs/" + run + "/hide" + q, new byte[0]);
                case 4 ->
                    post("POST /api/labs/{id}/runs/{runId}/unhide", base + "/runs/" + run + "/unhide" + q, new byte[0]);
                default ->
                    post(
                            "POST /api/labs/{id}/share",
                            base + "/share" + q,
                            pick(List.of(
                                            "{\"share\":\"named\"}",
                                            "{\"share\":\"anonymous\"}",
                                            "{\"share\":\"none\"}",
                                            "{\"share\":\"all\"}",
                                            "{\"share\":1}",
                                            "{}",
                                            "[]"))
                                    .getBytes(StandardCharsets.UTF_8));
            };
        }

        Req getLab() {
            String id = labId();
            return get("GET /api/labs/{id}", "/api/labs/" + id);
        }

        Req postLabRun() {
            String id = labId();
            String target = "/api/labs/" + id + "/runs";
            int k = rnd.nextInt(20);
            if (k == 0) return post("POST /api/labs/{id}/runs", target, malformed(McSpec.NAME));
            if (k == 1) {
                Req h = hugeBody("POST /api/labs/{id}/runs", target, McSpec.NAME);
                byte[] ov = ("{\"overrides\":{\"steps\":" + (100 + rnd.nextInt(5000)) + ",\"seed\":" + rnd.nextInt(1000)
                                + "}}")
                        .getBytes(StandardCharsets.UTF_8);
                return new Req(
                        h.label(),
                        h.method(),
                        h.target(),
                        h.headers(),
                        pad(ov, h.body().length),
                        h.chunked(),
                        h.odd(),
                        null,
                        h.note());
            }
            if (k == 2)
                return post("POST /api/labs/{id}/runs", target, randomJson(0).getBytes(StandardCharsets.UTF_8));
            LabInfo lab = labs.get(id);
            ObjectNode body = Configs.JSON.createObjectNode();
            if (rnd.nextInt(12) == 0) body.put(pick(List.of("preset", "task", "config")), "fig1a-paper");
            if (rnd.nextInt(15) == 0) {
                body.put("overrides", pick(List.of("steps", "[]", "1")));
                return post("POST /api/labs/{id}/runs", target, body.toString().getBytes(StandardCharsets.UTF_8));
            }
            ObjectNode ov = body.putObject("overrides");
            String task =
                    lab == null ? McSpec.NAME : preset(lab.preset()).get("task").asText();
            JsonNode fields =
                    lab == null ? Configs.JSON.createObjectNode() : lab.view().get("fields");
            // a student: editable fields within their range; a tamperer: also outside it, locked or hidden ones, wrong
            // types
            boolean tamper = rnd.nextInt(5) < 2;
            for (Field f : FIELDS.get(task)) {
                JsonNode rule = fields.get(f.name());
                boolean editable = rule != null && rule.path("mode").asText().equals("editable");
                int c = tamper ? rnd.nextInt(10) : rnd.nextInt(6);
                if (editable && c < 6) {
                    double lo = rule.has("min") ? rule.get("min").asDouble() : Math.max(f.lo(), 0),
                            hi = rule.has("max") ? rule.get("max").asDouble() : Math.min(f.hi(), 1000);
                    double v = lo + rnd.nextDouble() * Math.max(0, Math.min(hi, lo + 5000) - lo);
                    if (f.name().equals("steps")) v = Math.min(v, 20_000);
                    if (f.kind() == 'd') ov.put(f.name(), v);
                    else if (f.kind() == 's') ov.put(f.name(), pick(f.choices()));
                    else if (f.kind() == 'b') ov.put(f.name(), rnd.nextBoolean());
                    else ov.put(f.name(), (long) Math.ceil(v));
                } else if (c == 6) {
                    ov.put(f.name(), pick(List.of(-1, 0, 1_000_000_000, Integer.MAX_VALUE)));
                } else if (c == 7 && rnd.nextInt(3) == 0) {
                    ov.set(
                            f.name(),
                            Configs.readObject(
                                            "{\"v\":"
                                                    + pick(List.of(
                                                            "\"5\"",
                                                            "null",
                                                            "[]",
                                                            "{}",
                                                            "1e400",
                                                            "true",
                                                            "123456789012345678901234567890"))
                                                    + "}",
                                            "v")
                                    .get("v"));
                }
            }
            if (rnd.nextInt(10) == 0) ov.put(pick(List.of("task", "colour", "preset")), DiagSpec.NAME);
            return post("POST /api/labs/{id}/runs", target, body.toString().getBytes(StandardCharsets.UTF_8));
        }

        // ---- generators: sweeps

        /** Small grids over a tiny matrix completion run, and broken ones: bad axes, seeds, bases, presets. */
        Req postSweep() {
            int k = rnd.nextInt(16);
            if (k == 0) return post("POST /api/sweeps", "/api/sweeps", malformed(McSpec.NAME));
            if (k == 1)
                return post("POST /api/sweeps", "/api/sweeps", randomJson(0).getBytes(StandardCharsets.UTF_8));
            if (k == 2) {
                String id = rnd.nextBoolean() ? pick(sweepPresetIds) : pick(List.of("nope", "", "../x", "DIAG-LAW"));
                return post(
                        "POST /api/sweeps",
                        "/api/sweeps",
                        ("{\"sweep\":\"" + id + "\"" + (rnd.nextInt(4) == 0 ? ",\"title\":\"x\"" : "") + "}")
                                .getBytes(StandardCharsets.UTF_8));
            }
            ObjectNode body = Configs.JSON.createObjectNode();
            if (rnd.nextInt(6) > 0)
                body.set(
                        "base",
                        Configs.readObject(TestServer.mcConfig(100 + rnd.nextInt(900), rnd.nextInt(1000)), "b"));
            if (rnd.nextInt(10) == 0) body.put("preset", pick(List.of("fig3-classroom", "nope")));
            if (rnd.nextInt(8) == 0) body.put("title", pick(List.of("", "t", "é".repeat(300))));
            if (rnd.nextInt(12) == 0) body.put(pick(List.of("grid", "overrides", "id")), 1);
            ObjectNode axes = body.putObject("axes");
            int n = rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                String field = rnd.nextInt(8) > 0
                        ? pick(List.of("weightDecay", "lr", "alpha", "d", "steps", "observed"))
                        : pick(List.of("target", "seed", "nope", "task", ""));
                int form = rnd.nextInt(8);
                if (form < 4) {
                    var values = axes.putArray(field);
                    int count = rnd.nextInt(4);
                    for (int v = 0; v < count; v++)
                        switch (field) {
                            case "d" -> values.add(rnd.nextInt(12) == 0 ? 2.5 : 4 + rnd.nextInt(8));
                            case "steps" -> values.add(100 + rnd.nextInt(rnd.nextInt(10) == 0 ? 1_000_000_000 : 500));
                            case "observed" -> values.add(0.2 + 0.1 * v);
                            default -> values.add(rnd.nextInt(10) == 0 ? -1 : 0.005 + 0.01 * v);
                        }
                } else if (form < 7) {
                    ObjectNode range = axes.putObject(field);
                    range.put("from", pick(List.of(0.001, 0.01, 0.0, -1.0)));
                    range.put("to", pick(List.of(0.02, 0.05, 1e9)));
                    range.put("count", pick(List.of(0, 1, 2, 3, 1000, 10_000_000)));
                    if (rnd.nextBoolean()) range.put("scale", pick(List.of("log", "linear", "cubic")));
                } else axes.put(field, pick(List.of("1", "x")));
            }
            int seeds = rnd.nextInt(6);
            if (seeds == 1) body.putArray("seeds").add(1).add(2);
            else if (seeds == 2) body.putObject("seeds").put("count", pick(List.of(0, 2, 1_000_000)));
            else if (seeds == 3) body.putArray("seeds").add(1).add(1);
            else if (seeds == 4) body.put("seeds", pick(List.of("3", "[]")));
            return post("POST /api/sweeps", "/api/sweeps", body.toString().getBytes(StandardCharsets.UTF_8));
        }

        String[] sweepId() {
            int k = rnd.nextInt(10);
            if (k < 5) return new String[] {pick(sweepIds), ""};
            if (k < 7) return new String[] {randomId(), ""};
            if (k < 8) return new String[] {finished, ""}; // a run id is no sweep id
            return hostile();
        }

        Req sweepPath(String label, String suffix) {
            String[] id = sweepId();
            String target = "/api/sweeps/" + id[0] + suffix;
            return new Req(
                    label, "GET", target, List.of(), null, false, !id[1].isEmpty() || oddTarget(target), null, null);
        }

        Req cancelSweep() {
            String[] id = sweepId();
            String target = "/api/sweeps/" + id[0] + "/cancel";
            return new Req(
                    "POST /api/sweeps/{id}/cancel",
                    "POST",
                    target,
                    List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    (rnd.nextBoolean() ? "{}" : randomJson(0)).getBytes(StandardCharsets.UTF_8),
                    false,
                    !id[1].isEmpty() || oddTarget(target),
                    null,
                    null);
        }

        // ---- generators: presets, health, unknown paths, wrong methods

        Req tasks() {
            if (rnd.nextBoolean())
                return get("GET /api/tasks", "/api/tasks" + (rnd.nextBoolean() ? "" : "?" + query()));
            return get(
                    "GET /api/tasks/{name}",
                    "/api/tasks/"
                            + (rnd.nextBoolean()
                                    ? pick(TASKS)
                                    : rnd.nextBoolean()
                                            ? hostile()[0]
                                            : pick(List.of("MC", "nope", "..%2Fpresets", "diag%00"))));
        }

        Req presets() {
            if (rnd.nextInt(3) == 0)
                return get("GET /api/presets", "/api/presets" + (rnd.nextBoolean() ? "" : "?" + query()));
            String id = rnd.nextInt(3) > 0
                    ? pick(presetIds)
                    : rnd.nextBoolean()
                            ? hostile()[0]
                            : pick(List.of(
                                    "fig99-paper",
                                    "FIG3-CLASSROOM",
                                    "fig3-classroom.json",
                                    "index.txt",
                                    "..%2Findex.txt",
                                    "fig3-classroom%00"));
            return get("GET /api/presets/{id}", "/api/presets/" + id);
        }

        Req health() {
            String q = pick(List.of(
                    "",
                    "?check=store",
                    "?check=",
                    "?check=all",
                    "?check=" + enc(randomString(5)),
                    "?check=store&check=store"));
            return get("GET /api/health", "/api/health" + q);
        }

        Req unknownPath() {
            String p = pick(List.of(
                    "/api/nope",
                    "/api/",
                    "/api/runs/x/y/z/w/v",
                    "/api/labs",
                    "/api/labs/x/runs/y",
                    "/api/runs/" + finished + "/metrics/extra",
                    "/api/run",
                    "/api/RUNS",
                    "/api/runs/" + finished + "/snapshots/W",
                    "/api/presets/fig3-classroom/run",
                    "/api/openapi.yaml",
                    "/api/health/",
                    "/api/runs/",
                    "/api/..%2Fapi%2Fruns",
                    "/api/%2e%2e/%2e%2e/etc/passwd",
                    "/api/runs/..;/..;/",
                    "/api/runs;jsessionid=1",
                    "/api/runs%2F" + finished,
                    "/api/" + enc(randomString(8)),
                    "/api/" + "x/".repeat(200),
                    "/api/runs/" + finished + "/config/..",
                    "/api/.git/config",
                    "/api/WEB-INF/web.xml",
                    "/api/data/runs.db",
                    "/api/config/app.properties",
                    "/api/runs/%2e%2e/labs"));
            return new Req(
                    "unknown path",
                    pick(List.of("GET", "GET", "POST", "DELETE")),
                    p,
                    List.of(),
                    null,
                    false,
                    oddTarget(p) || p.contains(";"),
                    null,
                    null);
        }

        Req wrongMethod() {
            String[][] endpoints = {
                {"/api/runs", "GET POST"},
                {"/api/runs/" + finished, "GET DELETE"},
                {"/api/runs/" + finished + "/cancel", "POST"},
                {"/api/runs/" + finished + "/metrics", "GET"},
                {"/api/presets", "GET"},
                {"/api/labs", "POST"},
                {"/api/labs/" + labIds.getFirst(), "GET"},
                {"/api/labs/" + labIds.getFirst() + "/runs", "POST"},
                {"/api/health", "GET"},
                {"/api/openapi.json", "GET"}
            };
            String[] e = pick(List.of(endpoints));
            String m;
            do m = pick(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "CONNECT", "HEAD"));
            while (e[1].contains(m) || m.equals("HEAD") && e[1].contains("GET"));
            byte[] body = m.equals("PUT") || m.equals("PATCH") ? json(smallConfig(McSpec.NAME)) : null;
            // Javalin answers an unrouted method like an unknown path: 404 (405 would be as clear)
            return new Req(
                    "wrong method",
                    m,
                    e[0],
                    body == null ? List.of() : List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    body,
                    false,
                    m.equals("CONNECT") || m.equals("TRACE"),
                    null,
                    m + " " + e[0]);
        }

        String query() {
            StringBuilder b = new StringBuilder();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++)
                b.append(i > 0 ? "&" : "")
                        .append(enc(randomString(1 + rnd.nextInt(6))))
                        .append('=')
                        .append(enc(randomString(rnd.nextInt(10))));
            return b.toString();
        }

        // ---- WebSocket /api/runs/{id}/stream

        void webSockets(int n) throws Exception {
            HttpClient client = HttpClient.newHttpClient();
            String label = "GET /api/runs/{id}/stream";
            for (int i = 0; i < n; i++) {
                String id;
                int k = rnd.nextInt(6);
                if (k < 2) id = pick(runIds);
                else if (k < 3) id = finished;
                else if (k < 4) id = randomId();
                else
                    id = pick(List.of(
                            "..%2F..%2Fetc",
                            "%2e%2e", "%C3%A9", "AAAAAAAAAAAAAAAAAAAAA%3D", "x".repeat(300), pick(labIds)));
                String from = pick(List.of(
                        "",
                        "?from=-1",
                        "?from=0",
                        "?from=100",
                        "?from=9223372036854775807",
                        "?from=x",
                        "?from=99999999999999999999",
                        "?from=1.5",
                        "?from=%00"));
                URI uri = URI.create("ws://localhost:" + s.server.port() + "/api/runs/" + id + "/stream" + from);
                Collector c = new Collector();
                Req wq = new Req(label, "WS", uri.toString(), List.of(), null, false, false, null, null);
                total++;
                String outcome;
                try {
                    int code;
                    for (int attempt = 0; ; attempt++) {
                        WebSocket ws = client.newWebSocketBuilder()
                                .connectTimeout(Duration.ofSeconds(10))
                                .buildAsync(uri, c)
                                .get(10, TimeUnit.SECONDS);
                        code = c.closed.get(20, TimeUnit.SECONDS);
                        ws.abort();
                        // the JDK client's abnormal close: ~1 % of its streams end 1006 after the first message,
                        // though the server wrote every frame and the close (a raw-socket client received all in
                        // 2999 of 3000); reconnect, as the dashboard's client does; a fourth in a row is a violation
                        if (code != 1006 || attempt == JDK_CLOSE_RETRIES) break;
                        retried++;
                        c = new Collector();
                    }
                    outcome = "ws " + code;
                    String all = String.join("\n", c.texts);
                    if (LEAK.matcher(all).find()) violation(wq, null, "a class name in a stream message");
                    boolean known = runIds.contains(id) || id.equals(finished);
                    if (code == 1000 && !known) violation(wq, null, "an unknown run streamed");
                    if (code == 4404 && known) violation(wq, null, "a known run answered 4404");
                    if (code != 1000 && code != 4404 && code != 4400) {
                        JsonNode run = known ? s.get("/api/runs/" + id).json() : null;
                        violation(
                                wq,
                                null,
                                "unexpected close " + code + " " + c.reason + " after " + c.texts.size()
                                        + " messages, the last "
                                        + (c.texts.isEmpty() ? "none" : abbreviate(c.texts.getLast(), 300)) + "; run "
                                        + (run == null ? "unknown" : abbreviate(run.toString(), 600)));
                    }
                    if (code == 4400 && !(from.startsWith("?from=") && !from.matches("\\?from=-?\\d{1,18}")))
                        violation(wq, null, "4400 for a good ?from");
                    if (code == 1000 && !c.texts.getLast().contains("\"type\":\"status\""))
                        violation(wq, null, "a stream that did not end with its status");
                } catch (TimeoutException e) {
                    outcome = "ws timeout";
                    violation(wq, null, "no close within the timeout");
                } catch (ExecutionException e) {
                    outcome = refused(wq, e);
                }
                count(label, outcome);
            }
        }

        /** The outcome of a WebSocket that never opened: refused at the handshake (a 5xx is a violation) or failed. */
        String refused(Req wq, ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                int st = h.getResponse().statusCode();
                if (st >= 500) violation(wq, null, "handshake " + st);
                return "ws refused " + st;
            }
            violation(wq, null, "no handshake: " + e.getCause());
            return "ws failed";
        }

        // ---- WebSocket /api/sweeps/{id}/stream

        void sweepSockets(int n) throws Exception {
            HttpClient client = HttpClient.newHttpClient();
            String label = "GET /api/sweeps/{id}/stream";
            for (int i = 0; i < n; i++) {
                int k = rnd.nextInt(4);
                String id = k < 2
                        ? pick(sweepIds)
                        : k < 3 ? randomId() : pick(List.of("%2e%2e", "x".repeat(300), finished, pick(labIds)));
                boolean known = sweepIds.contains(id);
                URI uri = URI.create("ws://localhost:" + s.server.port() + "/api/sweeps/" + id + "/stream");
                Collector c = new Collector();
                Req wq = new Req(label, "WS", uri.toString(), List.of(), null, false, false, null, null);
                total++;
                String outcome;
                try {
                    WebSocket ws = client.newWebSocketBuilder()
                            .connectTimeout(Duration.ofSeconds(10))
                            .buildAsync(uri, c)
                            .get(10, TimeUnit.SECONDS);
                    int code = c.closed.get(60, TimeUnit.SECONDS);
                    ws.abort();
                    outcome = "ws " + code;
                    String all = String.join("\n", c.texts);
                    if (LEAK.matcher(all).find()) violation(wq, null, "a class name in a stream message");
                    if (code == 1000 && !known) violation(wq, null, "an unknown sweep streamed");
                    if (code == 4404 && known) violation(wq, null, "a known sweep answered 4404");
                    if (code == 1000
                            && (!c.texts.getFirst().contains("\"type\":\"report\"")
                                    || !c.texts.getLast().contains("\"type\":\"end\"")))
                        violation(wq, null, "a sweep stream that did not begin with its report and end with end");
                    if (code != 1000 && code != 4404 && code != 1006)
                        violation(wq, null, "unexpected close " + code + " " + c.reason);
                } catch (TimeoutException e) {
                    outcome = "ws timeout";
                    violation(wq, null, "no close within the timeout");
                } catch (ExecutionException e) {
                    outcome = refused(wq, e);
                }
                count(label, outcome);
            }
        }

        static final class Collector implements WebSocket.Listener {
            final List<String> texts = new ArrayList<>();
            final CompletableFuture<Integer> closed = new CompletableFuture<>();
            volatile String reason;
            private final StringBuilder part = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                part.append(data);
                if (last) {
                    texts.add(part.toString());
                    part.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String r) {
                reason = r;
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        }

        // ---- report

        void report(double seconds) throws IOException {
            Set<String> statuses = new TreeSet<>();
            counts.values().forEach(m -> statuses.addAll(m.keySet()));
            StringBuilder t = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%nFuzz: %d requests in %.1f s (seed %d), %d violations, %d streams reconnected after a 1006%n%-46s",
                    total,
                    seconds,
                    SEED,
                    violationCount,
                    retried,
                    "endpoint"));
            for (String st : statuses)
                t.append(String.format("%8s", st.replace("ws refused ", "wsR").replace("ws ", "ws")));
            t.append(String.format("%8s%n", "total"));
            Map<String, Integer> byStatus = new TreeMap<>();
            for (var e : counts.entrySet()) {
                t.append(String.format("%-46s", abbreviate(e.getKey(), 45)));
                for (String st : statuses) {
                    Integer n = e.getValue().get(st);
                    t.append(String.format("%8s", n == null ? "" : n));
                    if (n != null) byStatus.merge(st, n, Integer::sum);
                }
                t.append(String.format(
                        "%8d%n",
                        e.getValue().values().stream()
                                .mapToInt(Integer::intValue)
                                .sum()));
            }
            t.append(String.format(
                    "accepted: %s; rejections checked for naming the one bad field: %d%n", accepted, namedChecks));
            if (!violationKinds.isEmpty()) t.append("violations by kind:\n");
            violationKinds.forEach((k, n) -> t.append(String.format("%6d  %s%n", n, k)));

            System.out.print(t);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("test", "FuzzTest");
            doc.put("heavy", HEAVY);
            doc.put("seed", SEED);
            doc.put("requests", total);
            doc.put("seconds", Math.round(seconds * 10) / 10.0);
            doc.put(
                    "limits",
                    Json.obj(
                            "maxMemoryBytes",
                            LIMITS.maxMemoryBytes(),
                            "maxWork",
                            LIMITS.maxWork(),
                            "maxDiskBytes",
                            LIMITS.maxDiskBytes(),
                            "maxRequestBytes",
                            MAX_BODY));
            doc.put("violations", violationCount);
            doc.put("streams_reconnected_after_1006", retried);
            doc.put("accepted", accepted);
            doc.put("rejections_checked_for_the_bad_field", namedChecks);
            doc.put("by_status", byStatus);
            doc.put("by_endpoint", counts);
            Path out = Path.of("target", "reliability");
            Files.createDirectories(out);
            Files.writeString(out.resolve("fuzz.json"), Configs.JSON.writeValueAsString(doc));
            StringBuilder ex =
                    new StringBuilder(); // the first requests of each endpoint × status, for reading what was sent and
            // answered
            examples.forEach((k, v) -> v.forEach(x -> ex.append(k)
                    .append(": ")
                    .append(x.replaceAll("[\\r\\n]+", " "))
                    .append('\n')));
            Files.writeString(out.resolve("fuzz-examples.txt"), ex);
        }

        // ---- helpers

        <T> T pick(List<T> xs) {
            return xs.get(rnd.nextInt(xs.size()));
        }

        /** Unicode of every kind, without anything that would look like a leak when echoed back. */
        String randomString(int n) {
            while (true) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    int k = rnd.nextInt(10);
                    if (k < 4) b.append((char) (32 + rnd.nextInt(95)));
                    else if (k < 5) b.append((char) rnd.nextInt(32));
                    else if (k < 6) b.append((char) (0xA0 + rnd.nextInt(0x500)));
                    else if (k < 7) b.append((char) (0x4E00 + rnd.nextInt(0x5000)));
                    else if (k < 8) b.appendCodePoint(0x1F300 + rnd.nextInt(0x300));
                    else if (k < 9)
                        b.append(pick(List.of(
                                "\u200B", "\u200E", "\u202E", "\uFEFF", "\u2028", "\uFFFD", "\u0000", "\\", "\"", "/",
                                "%", "'")));
                    else b.append((char) ('a' + rnd.nextInt(26)));
                }
                String s = b.toString();
                if (!LEAK.matcher(s).find()) return s;
            }
        }

        static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        static String str(String s) {
            return Json.write(s);
        }

        static String num(long v) {
            return Long.toString(v);
        }

        static String dbl(double v) {
            return Double.toString(v);
        }

        static byte[] json(Map<String, String> c) {
            StringBuilder b = new StringBuilder("{");
            for (var e : c.entrySet())
                b.append(b.length() > 1 ? "," : "")
                        .append(str(e.getKey()))
                        .append(':')
                        .append(e.getValue());
            return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n) + "…";
    }
}
