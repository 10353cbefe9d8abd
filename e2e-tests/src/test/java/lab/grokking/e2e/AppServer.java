package lab.grokking.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The app as users start it (the jar, a separate process) on a free port over {@code data}, with an HTTP client for its API. */
record AppServer(Process process, int port) {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** {@code jvmArgs}: extra JVM options, e.g. a fault-injection property. */
    static AppServer start(Path data, Path log, String... jvmArgs) throws Exception {
        return start(data, log, null, jvmArgs);
    }

    /** The app with {@code plugins} (a class folder, e.g. a task registered by ServiceLoader) on its class path beside the jar. */
    static AppServer start(Path data, Path log, Path plugins, String... jvmArgs) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("groklab.java"),
                "-Dgroklab.checkpointSeconds=0.3",
                "--add-modules",
                "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmArgs));
        if (plugins == null) cmd.addAll(List.of("-jar", System.getProperty("groklab.jar"), "serve"));
        else
            cmd.addAll(List.of(
                    "-cp",
                    System.getProperty("groklab.jar") + File.pathSeparator + plugins,
                    "lab.grokking.cli.Main",
                    "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("GROKLAB_PORT", String.valueOf(port));
        pb.environment().put("GROKLAB_DATA_DIR", data.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        AppServer s = new AppServer(pb.start(), port);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                s.get("/api/health"); // up: "ok", or "degraded" with its reasons
                return s;
            } catch (IOException notYet) {
                if (!s.process.isAlive() || System.nanoTime() > deadline)
                    throw new AssertionError("server did not start; see " + log, notYet);
                Thread.sleep(100);
            }
        }
    }

    String body(String path) throws IOException, InterruptedException {
        return body(path, null);
    }

    /** {@code authorization}: an Authorization header value, or null for none. */
    String body(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(body(path));
    }

    JsonNode get(String path, String authorization) throws IOException, InterruptedException {
        return JSON.readTree(body(path, authorization));
    }

    String post(String config) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/runs"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(config))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asText();
    }

    /**
     * Runs of one browser: the API lists a client's own runs, and a browser is its client token (the cookie the server
     * set on its first request, sent here as the API's header).
     */
    int runsOf(String token) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url("/api/runs")))
                        .header("X-Groklab-Client", token)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("total").asInt();
    }

    JsonNode awaitEnd(String id) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode run = get("/api/runs/" + id);
            String st = run.get("status").asText();
            if (!st.equals("QUEUED") && !st.equals("RUNNING") && !st.equals("PAUSED")) return run;
            Thread.sleep(100);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
