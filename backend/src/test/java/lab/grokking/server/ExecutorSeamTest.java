package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.queue.Job;
import lab.grokking.server.queue.RunExecutor;
import lab.grokking.server.store.SqliteRunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root takes its store and executor: accepting a run is separate from executing it. */
class ExecutorSeamTest {
    /** An executor that records what it is handed and passes it to the in-process queue. */
    static class Recording implements RunExecutor {
        final FairQueue inner = new FairQueue(1, 2, 8, 100);
        final List<String> submitted = new CopyOnWriteArrayList<>();

        @Override
        public void submit(Job job) {
            submitted.add(job.runId());
            inner.submit(job);
        }

        @Override
        public void resubmit(Job job) {
            inner.resubmit(job);
        }

        @Override
        public boolean remove(String runId) {
            return inner.remove(runId);
        }

        @Override
        public int queued(String client) {
            return inner.queued(client);
        }

        @Override
        public int running(String client) {
            return inner.running(client);
        }

        @Override
        public List<String> ahead(String runId) {
            return inner.ahead(runId);
        }

        @Override
        public int workers() {
            return inner.workers();
        }

        @Override
        public void close(long timeoutMillis) {
            inner.close(timeoutMillis);
        }
    }

    @Test
    void runsAreExecutedByTheExecutorTheServerIsGiven(@TempDir Path dir) throws Exception {
        ServerConfig cfg = ServerConfig.load(Map.of());
        cfg.port = 0;
        cfg.dataDir = dir;
        Recording executor = new Recording();
        try (GrokLabServer server = GrokLabServer.start(cfg, new SqliteRunStore(dir), executor)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + server.port() + "/api/runs";
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(TestServer.mcConfig(300, 1)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(1, executor.submitted.size(), "the accepted run was handed to the executor");
            String runId = executor.submitted.getFirst();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!server.runs().get(runId).orElseThrow().status().isFinal() && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertEquals(
                    "FINISHED", server.runs().get(runId).orElseThrow().status().name());
            assertTrue(r.body().contains(runId), r.body());
            // an identical request is de-duplicated before it reaches the executor
            http.send(
                    HttpRequest.newBuilder(URI.create(base))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(TestServer.mcConfig(300, 1)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(1, executor.submitted.size());
        }
    }
}
