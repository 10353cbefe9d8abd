package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.task.Storage;
import lab.grokking.server.runs.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots inside the memory and disk limits (a security issue's findings): what a run stores is estimated and
 * limited before it is accepted, per run and per client; the per-run memory limit fits the heap; a snapshot is
 * streamed, never built whole.
 */
class SnapshotLimitsTest {
    static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    static String diag(int d, int n, long steps, long seed) {
        return "{\"task\":\"diag\",\"d\":" + d + ",\"n\":" + n + ",\"nTest\":100,\"steps\":" + steps + ",\"seed\":"
                + seed + "}";
    }

    static Storage storage(String config) {
        return Configs.parse(config).cost().storage();
    }

    static void assertProblem(TestServer.Response r, int status, String field, String... fragments) {
        assertEquals(status, r.status(), r.body());
        JsonNode p = r.json().get("problems");
        boolean found = false;
        for (JsonNode x : p) {
            if (!x.get("field").asText().equals(field)) continue;
            String m = x.get("message").asText();
            boolean all = true;
            for (String f : fragments) all &= m.contains(f);
            found |= all;
        }
        assertTrue(found, "a problem on '" + field + "' saying " + List.of(fragments) + ": " + r.body());
    }

    @Test
    void theDiagRunThatGrewTheDataDirectoryTo528MbIsRefusedNamingTheDiskLimit() {
        // finding: d = 2·10⁶, n = 1, 2 000 steps (classed small, ~40 s) grew the data directory from 11 MB to 528 MB
        try (TestServer s = new TestServer(dir)) {
            TestServer.Response r = s.post("/api/runs", diag(2_000_000, 1, 2000, 1));
            assertProblem(r, 422, "d", "~260 MiB", "28 snapshots of 2000000 floats", "limits.maxDiskBytes of 128 MiB");
            assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nothing was created");
        }
    }

    @Test
    void theTenMillionFeatureRunIsRefusedUpFrontNotFailedWithJavaHeapSpace() {
        // finding: a d = 10⁷ run was accepted under the 1 536 MiB limit, then failed with "Java heap space"
        try (TestServer s = new TestServer(dir)) {
            TestServer.Response r = s.post("/api/runs", diag(10_000_000, 1, 2000, 1));
            assertProblem(r, 422, "n, d", "of snapshots, rows and checkpoint held for the store", "memory limit");
            assertProblem(r, 422, "d", "limits.maxDiskBytes");
            assertEquals(0, s.get("/api/runs").json().get("total").asInt());
        }
    }

    @Test
    void aRunUnderTheConfiguredMemoryLimitButOverTheHeapShareIsRefusedNamingTheHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.cacheMaxBytes = heap - 512 * MIB; // leaves 512 MiB of this test JVM's heap, whatever its -Xmx
            cfg.limits = cfg.limits.withDisk(1L << 40, 1L << 40); // the memory limit alone
        })) {
            long derived = (long) (512 * MIB * Limits.RUN_HEAP_SHARE);
            JsonNode limits = s.get("/api/health").json().get("limits");
            assertEquals(derived, limits.get("max_memory_bytes").asLong(), limits.toString());
            assertTrue(limits.get("memory_basis").asText().contains("heap (-Xmx)"), limits.toString());
            String config = diag(1_500_000, 1, 2000, 1);
            long need = Configs.parse(config).memoryBytes();
            assertTrue(need > derived && need < Limits.DEFAULT.maxMemoryBytes(), need / MIB + " MiB");
            TestServer.Response r = s.post("/api/runs", config);
            assertProblem(
                    r,
                    422,
                    "n, d",
                    "above the memory limit of " + ((derived + MIB - 1) / MIB) + " MiB (derived from the heap",
                    "-Xmx",
                    "configured limit is 1536 MiB");
        }
    }

    /** Bytes of blobs the store counts for a run (runs.stored_bytes), read beside the server. */
    static long storedBytes(Path dataDir, String id) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("runs.db"));
                var p = c.prepareStatement("SELECT stored_bytes FROM runs WHERE id = ?")) {
            p.setString(1, id);
            try (var r = p.executeQuery()) {
                assertTrue(r.next());
                return r.getLong(1);
            }
        }
    }

    @Test
    void aClientOverItsDiskQuotaGets429WithUsedNeededAndLimit(@TempDir Path other) throws Exception {
        String a = diag(20_000, 4, 300, 1), b = diag(20_000, 4, 300, 2), c = diag(20_000, 4, 300, 3);
        Storage st = storage(a);
        long quota = st.diskBytes() * 5 / 2; // two such runs, not three
        try (TestServer s = new TestServer(other, cfg -> {
            cfg.trustedProxy = "127.0.0.1"; // a second client through the proxy header
            cfg.limits = cfg.limits.withDisk(cfg.limits.maxDiskBytes(), quota);
        })) {
            String first = s.start(a);
            s.awaitEnd(first, 60);
            // a finished run holds its rows and snapshots (its checkpoint is gone): exactly the estimate's
            assertEquals(st.rowBytes() + st.snapshotBytes(), storedBytes(other, first));
            s.awaitEnd(s.start(b), 60);

            TestServer.Response over = s.post("/api/runs", c);
            assertProblem(over, 429, "limits.clientDiskBytes", "(used)", "(needed)", "(limit, limits.clientDiskBytes)");
            assertTrue(over.headers().firstValue("Retry-After").isEmpty(), "waiting frees no disk");
            assertEquals(2, s.get("/api/runs").json().get("total").asInt(), "the refused run left nothing behind");

            TestServer.Response same = s.post("/api/runs", a);
            assertEquals(200, same.status(), "an identical finished run costs nothing: " + same.body());
            assertEquals(first, same.json().get("id").asText());

            TestServer.Response elsewhere = s.send(HttpRequest.newBuilder(URI.create(s.url("/api/runs")))
                    .header("X-Forwarded-For", "10.0.0.9")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(c)));
            assertEquals(201, elsewhere.status(), "the quota is per client: " + elsewhere.body());

            assertEquals(204, s.delete("/api/runs/" + first).status());
            assertEquals(201, s.post("/api/runs", diag(20_000, 4, 300, 4)).status(), "a removed run frees its bytes");

            TestServer.Response whole = s.post("/api/runs", diag(100_000, 4, 300, 1));
            assertProblem(whole, 422, "d", "a client's disk quota limits.clientDiskBytes");
        }
    }

    @Test
    void queuedAndRunningRunsCountAtTheirEstimateSoParallelSubmissionsCannotOvershoot(@TempDir Path other) {
        String a = diag(20_000, 4, 100_000_000, 1), b = diag(20_000, 4, 100_000_000, 2);
        long quota = storage(a).diskBytes() * 5 / 2;
        try (TestServer s = new TestServer(other, cfg -> {
            cfg.workers = 1;
            cfg.limits = cfg.limits.withDisk(cfg.limits.maxDiskBytes(), quota);
        })) {
            String running = s.start(a), queued = s.start(b); // nothing stored yet, two estimates reserved
            assertProblem(s.post("/api/runs", diag(20_000, 4, 100_000_000, 3)), 429, "limits.clientDiskBytes");
            for (String id : List.of(running, queued))
                assertTrue(s.post("/api/runs/" + id + "/cancel", "").status() / 100 == 2);
            s.awaitEnd(running, 60);
            s.awaitEnd(queued, 60);
        }
    }

    @Test
    void theJsonSnapshotOfALargeRunIsStreamedToFortyParallelRequests() throws Exception {
        // finding: …/snapshots/w/{step}?format=json built a 27 MB string; 40 parallel requests gave 21
        // OutOfMemoryErrors at -Xmx1g. Here d = 2·10⁵ (2.7 MB of JSON each), 40 requests at once. Heap figures in one
        // JVM are mostly garbage and timing, so the check is what the server allocates: Flight Recorder reports every
        // allocation outside a thread's buffer, which every array of a megabyte or more is (G1 allocates it as a
        // humongous object). A body built whole is one array at least its size (the string's bytes; the f32 buffer);
        // streamed, no request thread allocates an array of even half of the smaller, the f32 answer.
        try (TestServer s = new TestServer(dir)) {
            String id = s.start(diag(200_000, 1, 100, 1));
            assertEquals("FINISHED", s.awaitEnd(id, 120).get("status").asText());
            JsonNode list = s.get("/api/runs/" + id + "/snapshots").json().get("snapshots");
            JsonNode last = list.get(list.size() - 1);
            assertEquals("w", last.get("name").asText());
            String path = last.get("href").asText();
            HttpClient http = HttpClient.newHttpClient();
            byte[] f32 = http.send(
                            HttpRequest.newBuilder(URI.create(s.url(path + "?format=f32")))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            float[] values = new float[f32.length / 4];
            ByteBuffer.wrap(f32).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            assertEquals(200_000, values.length);
            byte[] whole = Json.write(Json.obj(
                            "name",
                            "w",
                            "step",
                            last.get("step").asLong(),
                            "rows",
                            1,
                            "cols",
                            values.length,
                            "values",
                            values))
                    .getBytes(StandardCharsets.UTF_8);
            JsonNode parsed = Configs.JSON.readTree(whole);
            for (int i = 0; i < values.length; i += 997)
                assertEquals(values[i], parsed.get("values").get(i).floatValue(), "value " + i);
            String wholeDigest = digest(new ByteArrayInputStream(whole));

            long base = usedHeapAfterGc();
            AtomicLong peak = new AtomicLong(base);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (sampling.get()) {
                    peak.accumulateAndGet(
                            ManagementFactory.getMemoryMXBean()
                                    .getHeapMemoryUsage()
                                    .getUsed(),
                            Math::max);
                    TestServer.sleep(1);
                }
            });
            Path jfr = dir.resolve("allocations.jfr");
            List<String> digests;
            try (Recording rec = new Recording()) {
                rec.enable("jdk.ObjectAllocationOutsideTLAB").withoutStackTrace();
                rec.start();
                List<CompletableFuture<String>> answers = new ArrayList<>();
                for (int i = 0; i < 40; i++)
                    answers.add(http.sendAsync(
                                    HttpRequest.newBuilder(URI.create(s.url(path + "?format=json")))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofInputStream())
                            .thenApply(r -> r.statusCode() + " " + digest(r.body())));
                List<CompletableFuture<byte[]>> raw = new ArrayList<>();
                for (int i = 0; i < 40; i++)
                    raw.add(http.sendAsync(
                                    HttpRequest.newBuilder(URI.create(s.url(path + "?format=f32")))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                            .thenApply(HttpResponse::body));
                digests = answers.stream().map(CompletableFuture::join).toList();
                for (CompletableFuture<byte[]> r : raw) assertArrayEquals(f32, r.join(), "the f32 answer");
                rec.stop();
                rec.dump(jfr);
            } finally {
                sampling.set(false);
                sampler.join();
            }
            for (String d : digests) assertEquals("200 " + wholeDigest, d, "all 200, the whole document's bytes");
            long largest = 0;
            String what = "";
            for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                if (e.getThread() == null || !e.getThread().getJavaName().startsWith("JettyServerThreadPool-"))
                    continue;
                long size = e.getLong("allocationSize");
                if (size > largest) {
                    largest = size;
                    what = e.getClass("objectClass").getName();
                }
            }
            System.out.printf(
                    "40 parallel JSON and 40 f32 snapshots of %d floats (%.1f MB of JSON each): largest allocation of a request thread"
                            + " %.2f MB (%s); heap peak %.1f MiB above %.1f MiB%n",
                    values.length,
                    whole.length / 1e6,
                    largest / 1e6,
                    what,
                    (peak.get() - base) / (double) MIB,
                    base / (double) MIB);
            assertTrue(
                    largest < f32.length / 2,
                    "a request thread allocated " + largest + " B (" + what + ") for answers of " + f32.length
                            + " B (f32) and " + whole.length + " B (json)");
        }
    }

    /** SHA-256 of what {@code in} holds. */
    static String digest(InputStream in) {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TestServer.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
