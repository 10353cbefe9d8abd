package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.server.sweeps.SweepGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/sweeps and the sweep endpoints: bad grids, limits, de-duplicated members, cancel, export, stream. */
public class SweepsApiTest {
    /** A diagonal net that groks (seed 1) within a few thousand steps, in well under a second. */
    public static final String BASE = "{\"task\":\"diag\",\"data\":\"sparse\",\"d\":300,\"n\":40,\"nTest\":300,\"k\":3,"
            + "\"alpha\":30,\"lr\":0.5,\"weightDecay\":0.01,\"steps\":4000,\"evalPerDecade\":20,\"seed\":1}";

    /** The same net trained long enough (seconds each) to be cancelled while it runs. */
    static final String LONG =
            BASE.replace("\"steps\":4000", "\"steps\":50000000").replace("\"d\":300", "\"d\":3000");

    public static String sweep(String base, String axes, String seeds) {
        return "{\"title\":\"t\",\"base\":" + base + ",\"axes\":" + axes + (seeds == null ? "" : ",\"seeds\":" + seeds)
                + "}";
    }

    public static String sweep(String axes, String seeds) {
        return sweep(BASE, axes, seeds);
    }

    /** Polls until every member has ended; returns the report. */
    static JsonNode awaitDone(TestServer s, String id, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            JsonNode r = s.get("/api/sweeps/" + id).json();
            if (r.get("done").asBoolean()) return r;
            TestServer.sleep(100);
        }
        throw new AssertionError("sweep " + id + " not done within " + timeoutSeconds + " s: "
                + s.get("/api/sweeps/" + id).body());
    }

    static TestServer.Response as(TestServer s, String client, String method, String path, String body) {
        return s.send(HttpRequest.newBuilder(URI.create(s.url(path)))
                .header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    static void assertRefused(TestServer s, String body, String field, String... fragments) {
        TestServer.Response r = s.post("/api/sweeps", body);
        assertEquals(422, r.status(), body + " → " + r.body());
        JsonNode p = r.json().get("problems").get(0);
        assertEquals(field, p.get("field").asText(), r.body());
        for (String f : fragments) assertTrue(p.get("message").asText().contains(f), f + " in " + r.body());
    }

    @Test
    void badGridsAreRefusedNamingTheFieldAndNothingIsSubmitted(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.sweepMembers = 8)) {
            assertRefused(s, sweep("{\"beta\":[1,2]}", null), "axes.beta", "unknown field of task diag", "alpha");
            assertRefused(s, sweep("{\"data\":[1,2]}", null), "axes.data", "not a numeric field (choice)");
            assertRefused(
                    s,
                    sweep("{\"alpha\":[10,2000000]}", null),
                    "axes.alpha",
                    "member 1 (alpha=2000000, seed 1)",
                    "1000000");
            assertRefused(s, sweep("{\"n\":[20,2.5]}", null), "axes.n[1]", "n is an integer field, got 2.5");
            assertRefused(s, sweep("{\"alpha\":[]}", null), "axes.alpha", "empty");
            assertRefused(
                    s, sweep("{\"alpha\":{\"from\":1,\"to\":10,\"count\":0}}", null), "axes.alpha.count", "got 0");
            assertRefused(
                    s,
                    sweep("{\"weightDecay\":{\"from\":0,\"to\":0.01,\"count\":3,\"scale\":\"log\"}}", null),
                    "axes.weightDecay.from",
                    "a log scale needs from > 0");
            assertRefused(s, sweep("{\"alpha\":[10,30,10]}", null), "axes.alpha", "value 10 appears twice");
            assertRefused(
                    s,
                    sweep("{\"d\":{\"from\":100,\"to\":101,\"count\":3}}", null),
                    "axes.d",
                    "value 100 appears twice (after rounding)");
            assertRefused(s, sweep("{\"alpha\":[10]}", "[1,2,1]"), "seeds", "seed 1 appears twice");
            assertRefused(s, sweep("{\"alpha\":[10]}", "{\"count\":0}"), "seeds.count", "got 0");
            assertRefused(s, sweep("{\"seed\":[1,2]}", null), "axes.seed", "use \"seeds\"");
            assertRefused(s, sweep("{\"d\":[300,2]}", null), "base.k", "member 1 (d=2, seed 1)", "at most d = 2");
            assertRefused(
                    s,
                    sweep("{\"alpha\":[10,30,100]}", "{\"count\":3}"),
                    "members",
                    "the grid has 9 members (alpha 3 × 3 seeds), above the limit of 8 per sweep"
                            + " (limits.sweepMembers)");
            assertRefused(s, "{\"base\":" + BASE + ",\"preset\":\"fig1a-classroom\"}", "base", "exactly one of");
            assertRefused(s, "{\"sweep\":\"nope\"}", "sweep", "unknown sweep preset 'nope'");
            assertRefused(s, "{\"base\":" + BASE + ",\"grid\":{}}", "grid", "unknown field");
            assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nothing submitted");
            assertEquals(0, s.get("/api/sweeps").json().get("sweeps").size());
        }
    }

    @Test
    void aSweepOverTheClientsBudgetIsRefusedWholeNamingTheBudget(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.clientSecondsInFlight = 60)) {
            TestServer.Response r = s.post("/api/sweeps", sweep(LONG, "{\"alpha\":[10,30]}", null));
            assertEquals(422, r.status(), r.body());
            JsonNode p = r.json().get("problems").get(0);
            assertEquals("members", p.get("field").asText());
            String m = p.get("message").asText();
            assertTrue(m.startsWith("the sweep's 2 members are estimated at "), m);
            assertTrue(m.contains("(budget.clientSecondsInFlight = 60)"), m);
            assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nothing submitted");
        }
    }

    @Test
    void aSmallSweepRunsEveryMemberClassifiesItAndExportsIt(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            TestServer.Response r =
                    s.post("/api/sweeps", sweep("{\"alpha\":[10,100],\"weightDecay\":[0.01,0.02]}", "[1]"));
            assertEquals(201, r.status(), r.body());
            String id = r.json().get("id").asText();
            assertEquals("/api/sweeps/" + id, r.headers().firstValue("Location").orElseThrow());
            TestServer.Viewer v = s.stream("/api/sweeps/" + id + "/stream");
            JsonNode done = awaitDone(s, id, 60);
            JsonNode members = done.get("members");
            assertEquals(4, members.size());
            // grid order: axes in order, the last fastest
            List<String> grid = new ArrayList<>();
            for (JsonNode m : members)
                grid.add(m.get("fields").get("alpha").asText() + "/"
                        + m.get("fields").get("weightDecay").asText());
            assertEquals(List.of("10.0/0.01", "10.0/0.02", "100.0/0.01", "100.0/0.02"), grid);
            for (JsonNode m : members) {
                assertEquals("FINISHED", m.get("status").asText(), m.toString());
                assertEquals("grokked", m.get("outcome").asText(), m.toString());
                assertEquals(1.0, m.get("fraction").asDouble());
                assertEquals(
                        m.get("transition_step").asLong() - m.get("fit_step").asLong(),
                        m.get("delay").asLong());
            }
            // larger α groks later, larger λ earlier (the law's direction)
            long a10l1 = members.get(0).get("transition_step").asLong(),
                    a10l2 = members.get(1).get("transition_step").asLong(),
                    a100l1 = members.get(2).get("transition_step").asLong();
            assertTrue(a100l1 > a10l1 && a10l2 < a10l1, members.toString());
            assertEquals(4, done.get("counts").get("grokked").asInt());
            assertEquals(0, done.get("counts").get("not_finished").asInt());
            assertEquals(4, done.get("law").get("points").asInt());

            String csv = s.get("/api/sweeps/" + id + "/export.csv").body();
            String[] lines = csv.split("\n");
            assertEquals(5, lines.length, csv);
            assertTrue(
                    lines[0].startsWith("index,alpha,weightDecay,seed,run_id,status,outcome,fit_step,transition_step,"
                            + "delay,final_time,final_train_loss,"),
                    lines[0]);
            assertTrue(
                    lines[1].startsWith(
                            "0,10,0.01,1," + members.get(0).get("run_id").asText() + ",FINISHED,grokked,"
                                    + members.get(0).get("fit_step").asLong() + ","
                                    + a10l1 + ","),
                    lines[1]);
            JsonNode json = s.get("/api/sweeps/" + id + "/export.json").json();
            assertEquals(lines[0], String.join(",", strings(json.get("columns"))));
            assertEquals(4, json.get("rows").size());
            assertEquals(a10l1, json.get("rows").get(0).get("transition_step").asLong());

            // the stream: the report first, member updates, the end last
            List<JsonNode> msgs = until(v, "end", 30);
            assertEquals("report", msgs.get(0).get("type").asText());
            assertEquals(id, msgs.get(0).get("id").asText());
            Set<String> types = new HashSet<>();
            for (JsonNode m : msgs) types.add(m.get("type").asText());
            assertTrue(types.containsAll(List.of("member", "counts")), types.toString());
            JsonNode last = msgs.get(msgs.size() - 1);
            assertEquals(4, last.get("counts").get("grokked").asInt());
            // every member ends FINISHED in the stream: in an update, or already in the first report when it ended
            // before the viewer connected (members of one cohort end at once)
            List<JsonNode> states = new ArrayList<>();
            msgs.get(0).get("members").forEach(states::add);
            msgs.stream().filter(m -> m.get("type").asText().equals("member")).forEach(states::add);
            for (int i = 0; i < 4; i++) {
                int index = i;
                JsonNode finished = states.stream()
                        .filter(m -> m.get("index").asInt() == index
                                && m.get("status").asText().equals("FINISHED"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("member " + index + " never FINISHED: " + msgs));
                assertEquals("grokked", finished.get("outcome").asText());
            }

            // the creator's list
            JsonNode list = s.get("/api/sweeps?mine").json().get("sweeps");
            assertEquals(1, list.size());
            assertEquals(id, list.get(0).get("id").asText());
            assertEquals("/sweep/" + id, list.get(0).get("link").asText());
        }
    }

    @Test
    void aMemberIdenticalToAFinishedRunOpensAtOnceAsThatRun(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String run = s.start(BASE);
            assertEquals("FINISHED", s.awaitEnd(run, 60).get("status").asText());
            TestServer.Response r = s.post("/api/sweeps", sweep("{\"alpha\":[30,60]}", null));
            assertEquals(201, r.status(), r.body());
            JsonNode first = r.json().get("members").get(0);
            assertEquals(run, first.get("run_id").asText());
            assertEquals("FINISHED", first.get("status").asText());
            assertEquals("grokked", first.get("outcome").asText());
            assertNotEquals(run, r.json().get("members").get(1).get("run_id").asText());
        }
    }

    @Test
    void onlyTheCreatorCancelsASweepAndItCancelsEveryUnfinishedMember(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.trustedProxy = "127.0.0.1"; // X-Forwarded-For names the client
            cfg.perClientQueued = 2; // some members wait in the sweep for a place in the queue
        })) {
            TestServer.Response r =
                    as(s, "10.0.0.1", "POST", "/api/sweeps", sweep(LONG, "{\"alpha\":[10,20,30,40,50,60]}", null));
            assertEquals(201, r.status(), r.body());
            String id = r.json().get("id").asText();
            JsonNode members = r.json().get("members");
            assertEquals("WAITING", members.get(5).get("status").asText(), members.toString());
            assertTrue(members.get(5).get("run_id").isNull());
            assertTrue(members.get(5).get("reason").asText().contains("queue.perClientQueued"), members.toString());

            TestServer.Response other = as(s, "10.0.0.2", "POST", "/api/sweeps/" + id + "/cancel", "");
            assertEquals(403, other.status(), other.body());
            assertTrue(other.json().get("error").asText().contains("only the client that started a sweep"));
            TestServer.Response mine = as(s, "10.0.0.1", "POST", "/api/sweeps/" + id + "/cancel", "");
            assertEquals(200, mine.status(), mine.body());
            assertEquals(6, mine.json().get("stopped").asInt());
            JsonNode done = awaitDone(s, id, 30);
            for (JsonNode m : done.get("members"))
                assertEquals("CANCELLED", m.get("status").asText(), m.toString());
            assertEquals(6, done.get("counts").get("not_finished").asInt());
            assertEquals(404, s.get("/api/sweeps/AAAAAAAAAAAAAAAAAAAAAA").status());
        }
    }

    @Test
    void sweepPresetsAreListedAndEachPlansWithinTheDefaultLimits(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            JsonNode presets = s.get("/api/sweeps/presets").json();
            List<String> ids = new ArrayList<>();
            for (JsonNode p : presets) {
                ids.add(p.get("id").asText());
                assertTrue(p.get("error") == null, p.toString());
                assertTrue(p.get("member_count").asInt() >= 3, p.toString());
                assertTrue(p.get("estimate").get("seconds").asDouble() > 0, p.toString());
            }
            assertEquals(
                    List.of(
                            "diag-law-classroom",
                            "mc-classroom",
                            "modadd-alpha-classroom",
                            "modadd-wd-classroom",
                            "diag-misgrok-classroom"),
                    ids);
            assertEquals(45, presets.get(0).get("member_count").asInt(), "5 α × 3 λ × 3 seeds");
        }
    }

    @Test
    void aLogRangeIsRoundedAndMembersComeInGridOrder() {
        SweepGrid.Plan plan =
                SweepGrid.parse(Configs.readObject("{\"sweep\":\"diag-law-classroom\"}", "body"), Limits.DEFAULT, 200);
        assertEquals(
                List.of(10.0, 31.6227766, 100.0, 316.227766, 1000.0),
                plan.axes().get(0).values());
        assertTrue(plan.axes().get(0).log());
        assertEquals(List.of(0.001, 0.002, 0.004), plan.axes().get(1).values());
        assertEquals(false, plan.axes().get(1).log(), "a list within a decade is shown on a linear axis");
        assertEquals(List.of(1L, 2L, 3L), plan.seeds());
        SweepGrid.Planned m = plan.members().get(5); // α 10, λ 0.002 (the second), seed 3
        assertEquals("alpha=10, weightDecay=0.002, seed 3", m.describe());
        assertEquals(0.002, m.config().weightDecay());
        assertEquals(3, m.config().seed());
        assertEquals(
                "alpha=1000, weightDecay=0.004, seed 3", plan.members().get(44).describe());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : array) out.add(x.asText());
        return out;
    }

    /** Messages up to the first of this type (inclusive). */
    private static List<JsonNode> until(TestServer.Viewer v, String type, long timeoutSeconds) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (System.nanoTime() < deadline) {
                JsonNode m = v.messages.poll(100, TimeUnit.MILLISECONDS);
                if (m == null) continue;
                out.add(m);
                if (m.get("type").asText().equals(type)) return out;
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no " + type + " message within " + timeoutSeconds + " s: " + out);
    }
}
