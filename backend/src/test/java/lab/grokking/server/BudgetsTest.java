package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.grokking.core.Provenance;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.runs.Submissions;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No client holds the server for days: budgets of estimated seconds per client (in flight, per day), a wall-clock cap
 * per attempt, and a share of the workers that large runs cannot exceed.
 */
class BudgetsTest {
    static final String A = "10.0.0.1", B = "10.0.0.2";
    static final long HOUR = 3600_000L;

    static TestServer server(Path dir, Consumer<ServerConfig> adjust) {
        return new TestServer(dir, cfg -> {
            cfg.trustedProxy = "127.0.0.1"; // X-Forwarded-For names the client
            cfg.workers = 1;
            adjust.accept(cfg);
        });
    }

    static TestServer.Response post(TestServer s, String client, String config) {
        return OwnershipTest.as(s, client, "POST", "/api/runs", config);
    }

    /** The estimate every budget uses, on a fresh data directory (no correction learnt yet). */
    static double estimate(String config) {
        return Estimates.inMemory().seconds(Configs.parse(config));
    }

    static String status(TestServer s, String id) {
        return s.get("/api/runs/" + id).json().get("status").asText();
    }

    static void awaitStatus(TestServer s, String id, String status) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!status(s, id).equals(status)) {
            if (System.nanoTime() > deadline) throw new AssertionError(id + " never " + status + ": " + status(s, id));
            TestServer.sleep(10);
        }
    }

    @Test
    void aClientOverItsInFlightBudgetGets429NamingItAndOtherClientsAndExistingRunsAreNotRefused(@TempDir Path dir) {
        String[] config = new String[6];
        for (int i = 1; i <= 5; i++) config[i] = TestServer.mcConfig(3_000_000, i);
        double e = estimate(config[1]), budget = 2.5 * e;
        try (TestServer s = server(dir, cfg -> cfg.clientSecondsInFlight = budget)) {
            assertEquals(e, s.server.runs().estimatedSeconds(Configs.parse(config[1])), "the server's own estimate");
            String first = post(s, A, config[1]).json().get("id").asText();
            String second = post(s, A, config[2]).json().get("id").asText();
            awaitStatus(s, first, "RUNNING");

            TestServer.Response over = post(s, A, config[3]);
            System.out.printf(
                    "in flight: estimate %.2f s per run, budget %.2f s; third run: %d %s (Retry-After %s)%n",
                    e,
                    budget,
                    over.status(),
                    over.body(),
                    over.headers().firstValue("Retry-After").orElse("none"));
            assertEquals(429, over.status(), over.body());
            JsonNode problem = over.json().get("problems").get(0);
            assertEquals("budget.clientSecondsInFlight", problem.get("field").asText());
            String message = problem.get("message").asText();
            assertEquals(message, over.json().get("error").asText());
            assertTrue(
                    message.startsWith(
                            "this client has " + Durations.human(2 * e) + " of estimated training in flight"),
                    message);
            assertTrue(message.contains("this run is estimated at " + Durations.human(e)), message);
            assertTrue(message.contains("(budget.clientSecondsInFlight = " + budget + ")"), message);
            long retry = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
            JsonNode eta = s.get("/api/runs/" + first).json().get("progress").get("eta_seconds");
            double end = eta.isNull() ? e : eta.asDouble(); // before its first progress: the estimate
            assertTrue(
                    retry >= 1 && Math.abs(retry - end) <= Math.max(3, end / 2),
                    "when the running run is expected to end: Retry-After " + retry + ", its ETA " + eta);

            TestServer.Response other = post(s, B, config[3]);
            assertEquals(201, other.status(), "another client has its own budget: " + other.body());
            assertEquals(200, post(s, A, config[1]).status(), "an identical run: no new work, never refused");
            assertEquals(200, post(s, A, config[3]).status(), "nor another client's identical run");

            assertEquals(
                    200,
                    OwnershipTest.as(s, A, "POST", "/api/runs/" + second + "/cancel", "")
                            .status());
            assertEquals(201, post(s, A, config[4]).status(), "the cancel freed its share of the budget");
            TestServer.Response again = post(s, A, config[2]);
            assertEquals(429, again.status(), "queuing the cancelled run again is new work: " + again.body());
            assertEquals(
                    "budget.clientSecondsInFlight",
                    again.json().get("problems").get(0).get("field").asText());
        }
    }

    /** A run of {@code client} created {@code hoursAgo}, finished (or removed), as an earlier server left it. */
    static void stored(SqliteRunStore store, String id, String config, double hoursAgo, boolean removed) {
        RunConfig rc = Configs.parse(config);
        String canonical = Configs.canonical(rc);
        store.insert(new StoredRun(
                id,
                Submissions.configKey(canonical, null),
                rc.task(),
                canonical,
                rc.seed(),
                Provenance.CODE_VERSION,
                "a:" + A, // the client id of a request from A without a token (see Clients)
                0,
                rc.steps(),
                StoredRun.Status.QUEUED,
                null,
                null,
                null,
                null,
                0,
                System.currentTimeMillis() - (long) (hoursAgo * HOUR),
                null,
                null,
                null));
        store.finish(
                RunStoreTest.claimed(store, id),
                StoredRun.Status.FINISHED,
                "finished",
                "{}",
                "{}",
                List.of(new double[] {rc.steps(), 0}),
                List.of(),
                false);
        if (removed) store.remove(id);
    }

    @Test
    void thePerDayBudgetCountsTheRunsCreatedInTheLast24HoursRemovedOnesIncluded(@TempDir Path dir) {
        String recent = TestServer.mcConfig(3_000_000, 11), dayOld = TestServer.mcConfig(3_000_000, 12);
        double e = estimate(recent), budget = 3.5 * e;
        try (SqliteRunStore store = new SqliteRunStore(dir)) {
            stored(store, "recent", recent, 1, false);
            stored(store, "dayOld", dayOld, 25, false);
            stored(store, "removed", TestServer.mcConfig(3_000_000, 13), 2, true); // removing refunds nothing
        }
        try (TestServer s = server(dir, cfg -> cfg.clientSecondsPerDay = budget)) {
            TestServer.Response fits = post(s, A, TestServer.mcConfig(3_000_000, 21));
            assertEquals(201, fits.status(), "2 runs in the window + this one = 3 estimates <= 3.5: " + fits.body());
            TestServer.Response over = post(s, A, TestServer.mcConfig(3_000_000, 22));
            System.out.printf(
                    "per day: estimate %.2f s per run, budget %.2f s; a fourth run in the window: %d %s (Retry-After %s)%n",
                    e,
                    budget,
                    over.status(),
                    over.body(),
                    over.headers().firstValue("Retry-After").orElse("none"));
            assertEquals(429, over.status(), over.body());
            JsonNode problem = over.json().get("problems").get(0);
            assertEquals("budget.clientSecondsPerDay", problem.get("field").asText());
            String message = problem.get("message").asText();
            assertTrue(
                    message.startsWith("this client created " + Durations.human(3 * e)
                            + " of estimated training in the last 24 h; this run is estimated at "
                            + Durations.human(e)),
                    message);
            assertTrue(message.contains("(budget.clientSecondsPerDay = " + budget + ")"), message);
            long retry = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(
                    Math.abs(retry - 22 * 3600) <= 60, "the removed run, 2 h old, leaves the window in 22 h: " + retry);

            assertEquals(201, post(s, B, TestServer.mcConfig(3_000_000, 22)).status(), "another client's day");
            TestServer.Response done = post(s, A, recent);
            assertEquals(200, done.status(), "a finished identical run costs nothing: " + done.body());
            assertEquals("recent", done.json().get("id").asText());
        }
    }

    @Test
    void aRunLargerThanABudgetIsRefusedWithoutRetryAfter(@TempDir Path dir) {
        String config = TestServer.mcConfig(3_000_000, 1);
        try (TestServer s = server(dir, cfg -> cfg.clientSecondsPerDay = estimate(config) / 2)) {
            TestServer.Response r = post(s, A, config);
            assertEquals(429, r.status(), r.body());
            assertEquals(
                    "budget.clientSecondsPerDay",
                    r.json().get("problems").get(0).get("field").asText());
            assertTrue(r.json()
                    .get("error")
                    .asText()
                    .endsWith("this run alone exceeds it: choose fewer steps or a smaller model"));
            assertTrue(r.headers().firstValue("Retry-After").isEmpty(), "retrying cannot help");
        }
    }

    static final Pattern OVERRUN = Pattern.compile(
            "stopped: trained (\\d+\\.\\d+)× its estimated (.+) \\(limit budget\\.overrunFactor = 0\\.05\\); POST it again"
                    + " to resume from step (\\d+)");

    /**
     * Each attempt may train 5 % of the run's estimate: it is stopped with a checkpoint, CANCELLED with the
     * reason, and each POST resumes it; the run ends with exactly the rows of an uninterrupted run.
     */
    @Test
    void aRunThatOutrunsItsEstimateIsStoppedAndResumesWhenPostedAgainWithIdenticalMetrics(
            @TempDir Path a, @TempDir Path b) {
        String config = RecoveryTest.CONFIG;
        double e = estimate(config);
        List<Long> stops = new ArrayList<>();
        JsonNode resumed;
        try (TestServer s = server(a, cfg -> {
            cfg.overrunFactor = 0.05;
            cfg.overrunGraceSeconds = 0;
        })) {
            String id = s.start(config);
            JsonNode run = s.awaitEnd(id, 120);
            while (run.get("status").asText().equals("CANCELLED")) {
                String message = run.get("message").asText();
                Matcher m = OVERRUN.matcher(message);
                assertTrue(m.matches(), message);
                double trained = Double.parseDouble(m.group(1));
                assertTrue(trained >= 0.05 && trained < 0.075, "stopped just past its allowance: " + message);
                assertEquals(Durations.human(e), m.group(2));
                long step = Long.parseLong(m.group(3));
                assertTrue(stops.isEmpty() || step > stops.getLast(), "each attempt advances: " + stops + ", " + step);
                stops.add(step);
                assertTrue(stops.size() < 200, "too many attempts: " + stops);
                TestServer.Response again = s.post("/api/runs", config);
                assertEquals(202, again.status(), again.body());
                assertEquals(id, again.json().get("id").asText());
                run = s.awaitEnd(id, 120);
            }
            System.out.printf(
                    "overrun: estimate %s, budget.overrunFactor = 0.05, grace 0: stopped %d times, at steps %s%n",
                    Durations.human(e), stops.size(), stops);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertFalse(stops.isEmpty(), "the cap stopped it");
            assertEquals(
                    stops.getLast(), run.get("summary").get("resumed_from_step").asLong());
            resumed = s.get("/api/runs/" + id + "/metrics").json().get("rows");
        }
        assertEquals(RecoveryTest.uninterrupted(b, config), resumed, "same rows, same values, no gaps");
    }

    /**
     * Two workers, one client with four large runs (it may run two at once): they take one worker, the share; another
     * client's small run starts on the other at once and ends while the first large run still trains.
     */
    @Test
    void aSmallRunNeverWaitsBehindLargeRunsForAWorker(@TempDir Path dir) {
        try (TestServer s = server(dir, cfg -> {
            cfg.workers = 2;
            cfg.smallRunWork = 1e9; // mc at 3 000 000 steps (1.4e10) is large, at 30 000 (1.8e8) small
        })) {
            List<String> large = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                TestServer.Response r = post(s, A, TestServer.mcConfig(3_000_000, i));
                assertEquals(201, r.status(), r.body());
                assertEquals("large", r.json().get("priority").asText());
                large.add(r.json().get("id").asText());
            }
            awaitStatus(s, large.get(0), "RUNNING");
            TestServer.sleep(300);
            assertEquals(
                    List.of("RUNNING", "QUEUED", "QUEUED", "QUEUED"),
                    large.stream().map(id -> status(s, id)).toList(),
                    "one worker for large runs though the client may run two");
            assertEquals(
                    0,
                    s.get("/api/runs/" + large.get(1))
                            .json()
                            .get("progress")
                            .get("queue_position")
                            .asInt());

            long t0 = System.nanoTime();
            TestServer.Response small = post(s, B, TestServer.mcConfig(30_000, 5));
            assertEquals(201, small.status(), small.body());
            assertEquals("small", small.json().get("priority").asText());
            JsonNode end = s.awaitEnd(small.json().get("id").asText(), 30);
            double seconds = (System.nanoTime() - t0) / 1e9;
            String first = status(s, large.get(0));
            System.out.printf(
                    "share: 2 workers, 4 large runs of one client: 1 running; another client's small run ended %.2f s"
                            + " after its POST, the first large run still %s%n",
                    seconds, first);
            assertEquals("FINISHED", end.get("status").asText());
            assertEquals("RUNNING", first, "the small run did not wait for a large run to end");
            for (String id : large) OwnershipTest.as(s, A, "POST", "/api/runs/" + id + "/cancel", "");
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "budget.clientSecondsInFlight, 0",
        "budget.clientSecondsPerDay, -1",
        "budget.overrunFactor, 0",
        "budget.overrunGraceSeconds, -1"
    })
    void startUpRefusesBudgetsThatCannotWork(String key, String value) {
        FairQueueTest.assertStartUpRefuses(key, value);
    }

    @Test
    void theDefaultsAreFourHoursInFlightADayPerDayAndFourTimesTheEstimate() {
        ServerConfig cfg = ServerConfig.load(Map.of());
        assertEquals(14_400, cfg.clientSecondsInFlight);
        assertEquals(86_400, cfg.clientSecondsPerDay);
        assertEquals(4, cfg.overrunFactor);
        assertEquals(60, cfg.overrunGraceSeconds);
        assertEquals(0, cfg.largeRunWorkers, "0: all workers but one");
    }

    @Test
    void aLargeRunShareAboveTheWorkersIsRefusedAtStartUp(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> server(dir, cfg -> cfg.largeRunWorkers = 2).close());
        assertTrue(
                e.getMessage().startsWith("queue.largeRunWorkers must be in [0, queue.workers = 1]"), e.getMessage());
    }
}
