import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lab.grokking.server.GrokLabServer;
import lab.grokking.server.runs.LiveRun;

/**
 * Run-service figures (not a test): cache-hit latency of POST /api/runs for a finished config, and stream latency
 * from an evaluation row being computed to a viewer receiving it, with 1 and with 100 viewers (same JVM, so one
 * clock), plus the training time of the run against the same run with no viewer.
 *   java --add-modules jdk.incubator.vector -cp frontend/target/grokking-lab.jar bench/java/ServiceBench.java
 */
public class ServiceBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static int port;

    /** ~1200 evaluation rows over ~10 s of training: many latency samples, live the whole time. */
    static String config(long seed) {
        return "{\"task\":\"mc\",\"d\":24,\"observed\":0.2,\"lr\":0.1,\"weightDecay\":0.001,\"steps\":300000,\"evalPerDecade\":200,\"seed\":" + seed + "}";
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("groklab-bench");
        try (GrokLabServer s = GrokLabServer.start(cfg -> {
            cfg.port = 0;
            cfg.dataDir = data;
            cfg.workers = 1;
            cfg.perClientQueued = 1000;
            cfg.requestsPerSecond = 1e6; // the bench measures latency, not the rate limit
        })) {
            port = s.port();
            // cache hit: a finished config posted again
            String id = id(post(config(1)));
            await(id);
            double[] hit = new double[500];
            for (int i = -50; i < hit.length; i++) { // 50 warm-up requests
                long t0 = System.nanoTime();
                HttpResponse<String> r = post(config(1));
                if (r.statusCode() != 200) throw new AssertionError(r.body());
                if (i >= 0) hit[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("cache-hit POST /api/runs (finished config, %d requests): p50 %.2f ms, p95 %.2f ms, max %.2f ms%n", hit.length,
                    pct(hit, 50), pct(hit, 95), pct(hit, 100));
            double alone = trainSeconds(2, 0);
            for (int viewers : new int[] {1, 100}) {
                List<double[]> lat = new ArrayList<>();
                double t = stream(3 + viewers, viewers, lat);
                double[] ms = lat.stream().mapToDouble(x -> x[1] - x[0]).toArray();
                System.out.printf("stream latency, %3d viewer(s): %d samples, p50 %.2f ms, p95 %.2f ms, max %.2f ms; training %.2f s vs %.2f s with no viewer (%.2fx)%n",
                        viewers, ms.length, pct(ms, 50), pct(ms, 95), pct(ms, 100), t, alone, t / alone);
            }
        }
    }

    static double trainSeconds(long seed, int viewers) throws Exception { return stream(seed, viewers, new ArrayList<>()); }

    /** Runs a config with viewers attached from its first row; returns its training seconds, collects (computed, received) ms. */
    static double stream(long seed, int viewers, List<double[]> latencies) throws Exception {
        String blocker = id(post("{\"task\":\"mc\",\"d\":12,\"observed\":0.4,\"weightDecay\":0.01,\"steps\":100000000,\"seed\":" + (1000 + seed) + "}")); // holds the one worker
        while (!get("/api/runs/" + blocker).contains("\"RUNNING\"")) Thread.sleep(10);
        String id = id(post(config(seed)));
        CountDownLatch ended = new CountDownLatch(viewers);
        ConcurrentLinkedQueue<double[]> samples = new ConcurrentLinkedQueue<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int v = 0; v < viewers; v++) sockets.add(HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + port + "/api/runs/" + id + "/stream"),
                new Listener(samples, ended)).join());
        post("", "/api/runs/" + blocker + "/cancel");
        if (!ended.await(600, TimeUnit.SECONDS)) throw new AssertionError("stream did not end");
        await(id); // with no viewer, nothing counted down
        for (double[] x : samples) latencies.add(x);
        String run = get("/api/runs/" + id);
        int i = run.indexOf("\"train_seconds\":");
        if (i < 0) throw new AssertionError("no train_seconds in " + run);
        return Double.parseDouble(run.substring(i + 16, run.indexOf(',', i)));
    }

    static final class Listener implements WebSocket.Listener {
        final ConcurrentLinkedQueue<double[]> samples;
        final CountDownLatch ended;
        final StringBuilder buf = new StringBuilder();

        Listener(ConcurrentLinkedQueue<double[]> samples, CountDownLatch ended) {
            this.samples = samples;
            this.ended = ended;
        }

        @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                double now = LiveRun.epochMillis();
                String m = buf.toString();
                buf.setLength(0);
                if (m.startsWith("{\"type\":\"points\"")) {
                    String at = m.substring(m.indexOf("\"computed_at\":[") + 15, m.lastIndexOf(']'));
                    for (String t : at.split(",")) samples.add(new double[] {Double.parseDouble(t), now});
                } else if (m.startsWith("{\"type\":\"status\"")) ended.countDown();
            }
            ws.request(1);
            return null;
        }
    }

    static double pct(double[] a, double p) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1 < 0 ? 0 : (int) Math.ceil(p / 100 * s.length) - 1)];
    }

    static HttpResponse<String> post(String body) throws Exception { return post(body, "/api/runs"); }

    static HttpResponse<String> post(String body, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String id(HttpResponse<String> r) {
        String b = r.body();
        if (r.statusCode() >= 300) throw new AssertionError(r.statusCode() + " " + b);
        int i = b.indexOf("\"id\":\"");
        return b.substring(i + 6, b.indexOf('"', i + 6));
    }

    static void await(String id) throws Exception {
        while (get("/api/runs/" + id).matches("(?s).*\"status\":\"(QUEUED|RUNNING)\".*")) Thread.sleep(20);
    }
}
